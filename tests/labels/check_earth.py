#!/usr/bin/env python3
"""No paint off the earth, and a globe cut along its horizon (pixels).
Renders SPEC and reads the PNG and its report:
- every pixel near the frame's edges, away from the title and credit, is the
  style's background (#ffffff): nothing is painted off the earth;
- --globe: from the centre of the disc outwards, the last painted pixel of
  every ray is the earth's edge as PROJ sees it (cs2cs inverts the point
  3 px inside it and not the point 3 px outside); the highlight tint
  (#e4ddd0) reaches the horizon along an arc of at least MIN_ARC degrees
  (a country cut along a chord only touches it at the chord's two ends) and
  never passes it.
usage: check_earth.py BIN DATA OUTDIR SPEC.yaml [--globe MIN_ARC]"""
import json
import math
import os
import struct
import subprocess
import sys
import zlib

BACKGROUND = (255, 255, 255)
TINT = (0xe4, 0xdd, 0xd0)
WATER = (0xd9, 0xe8, 0xf2)
LAND = (0xf3, 0xf1, 0xec)


def read_png(path):
    data = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride, rows, prev, i = w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3])


def near(c, ref, tol):
    return all(abs(a - b) <= tol for a, b in zip(c, ref))


def on_earth(rep, pts, tol):
    """Which projected points are on the earth for PROJ: cs2cs inverts them and
    projects the result back to within tol metres."""
    crs = rep["crs"].split()
    inv = subprocess.run(["cs2cs", "-f", "%.10f"] + crs + ["+to", "+proj=longlat", "+datum=WGS84"],
                         input="".join(f"{x!r} {y!r}\n" for x, y in pts), capture_output=True,
                         text=True).stdout.splitlines()
    ll = [None if l.startswith("*") else tuple(float(v) for v in l.split()[:2]) for l in inv]
    fwd = subprocess.run(["cs2cs", "-f", "%.4f", "+proj=longlat", "+datum=WGS84", "+to"] + crs,
                         input="".join(f"{p[0]!r} {p[1]!r}\n" if p else "0 0\n" for p in ll),
                         capture_output=True, text=True).stdout.splitlines()
    res = []
    for p, q, f in zip(pts, ll, fwd):
        back = None if q is None or f.startswith("*") else tuple(float(v) for v in f.split()[:2])
        res.append(back is not None and math.hypot(back[0] - p[0], back[1] - p[1]) <= tol)
    return res


def main(bin_, data, outdir, spec, globe, min_arc):
    name = os.path.splitext(os.path.basename(spec))[0]
    png, rep_path = os.path.join(outdir, f"earth-{name}.png"), os.path.join(outdir, f"earth-{name}.json")
    subprocess.run([bin_, "render", spec, "--data", data, "-q", "-o", png, "--labels-report", rep_path], check=True)
    rep = json.load(open(rep_path))
    w, h, px = read_png(png)
    problems = []
    if not rep.get("earth_edge"):
        problems.append("the report says the frame does not show the earth's edge")
    # the frame's edges, 3 px in, every 4 px; not the title (top left) nor the credit line
    edge = [(x, y) for x in range(3, w - 3, 4) for y in (3, h - 4)] + \
           [(x, y) for y in range(3, h - 3, 4) for x in (3, w - 4)]
    edge = [(x, y) for x, y in edge if not (x < w * 0.4 and y < 70) and not (y > h - 45)]
    # off the earth by PROJ: cs2cs cannot invert the point, or it does not project back to it
    minx, miny, maxx, maxy = rep["frame"]
    s = w / (maxx - minx)
    # (a pixel counts as off the earth when it and the points 2 px around it are: the
    # earth's outline, half a pixel wide, may touch the one it crosses)
    around = [(0, 0), (-2, -2), (2, -2), (-2, 2), (2, 2)]
    proj_pts = [(minx + (x + 0.5 + dx) / s, maxy - (y + 0.5 + dy) / s) for x, y in edge for dx, dy in around]
    off_pt = [not o for o in on_earth(rep, proj_pts, 2 / s)]
    off = [e for k, e in enumerate(edge) if all(off_pt[5 * k:5 * k + 5])]
    painted = [(x, y, px(x, y)) for x, y in off if px(x, y) != BACKGROUND]
    print(f"{name}: {len(off) - len(painted)} of {len(off)} pixels along the frame's edges that are off "
          f"the earth (PROJ) are the background")
    if globe is False and not off:
        problems.append("no pixel along the frame's edges is off the earth: not a world map")
    if painted:
        problems.append(f"{len(painted)} pixels off the earth are painted, e.g. {painted[:3]}")
    if globe:
        # the disc's centre: projected (0, 0)
        cx, cy = -minx * s, maxy * s
        # rays through a label are left out: labels are not clipped to the earth
        boxes = [[b[0] - 3, b[1] - 3, b[2] + 3, b[3] + 3] for l in rep["labels"] if l["placed"] for b in l["boxes"]]

        def in_label(x, y):
            return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)
        edges = []
        for i in range(720):
            a = math.radians(i / 2)
            r_last, entered, after, skipped = None, False, 0, -1
            far = max(math.hypot(cx - X, cy - Y) for X in (0, w) for Y in (0, h))
            for r10 in range(0, int(10 * far), 5):
                r = r10 / 10
                x, y = int(round(cx + r * math.cos(a))), int(round(cy - r * math.sin(a)))
                if not (0 <= x < w and 0 <= y < h):
                    if entered:
                        break
                    continue
                entered = True
                if (y > h - 45) or (x < w * 0.4 and y < 70) or in_label(x, y):
                    skipped = r  # furniture or a label: not the earth's paint
                    continue
                if px(x, y) != BACKGROUND:
                    r_last, after = r, 0
                else:
                    after += 1
            if r_last is None or after < 10 or skipped > r_last - 6:
                continue  # the ray left the frame on the earth, or a label hides the edge
            edges.append((i / 2, r_last))
        # PROJ's earth edge: 3 px inside inverts, 3 px outside does not
        pts = []
        for ang, r in edges:
            a = math.radians(ang)
            for d in (-3, 3):
                X = cx + (r + d) * math.cos(a)
                Y = cy - (r + d) * math.sin(a)
                pts.append((minx + X / s, maxy - Y / s))
        on = on_earth(rep, pts, 2 / s)
        bad = 0
        for k, (ang, r) in enumerate(edges):
            inside_ok = on[2 * k]
            outside_off = not on[2 * k + 1]
            if not (inside_ok and outside_off):
                bad += 1
                if bad <= 3:
                    problems.append(f"ray at {ang}°: painted edge {r:.1f} px from the centre is not the earth's edge "
                                    f"(PROJ: 3 px in {'on' if inside_ok else 'off'}, 3 px out {'off' if outside_off else 'on'})")
        print(f"{name}: {len(edges)} rays; the painted edge is PROJ's earth edge (±3 px) on {len(edges) - bad}")
        # the tint along the horizon: PROJ's limb on every ray (the largest radius,
        # in half pixels, that is on the earth), then the pixel 4 px inside it
        R0 = sorted(r for _, r in edges)[len(edges) // 2] if edges else 0
        angs = [k / 4 for k in range(4 * 360)]
        radii = [R0 - 15 + d / 2 for d in range(61)]
        pts = [(minx + (cx + r * math.cos(math.radians(a))) / s, maxy - (cy - r * math.sin(math.radians(a))) / s)
               for a in angs for r in radii]
        on = on_earth(rep, pts, 2 / s)
        samples = []  # (angle, tinted or None when a label covers it)
        for k, a in enumerate(angs):
            ok = [r for d, r in enumerate(radii) if on[k * len(radii) + d]]
            if not ok:
                continue
            r = max(ok) - 4
            x, y = int(round(cx + r * math.cos(math.radians(a)))), int(round(cy - r * math.sin(math.radians(a))))
            if not (6 <= x < w - 6 and 6 <= y < h - 6) or (y > h - 45) or (x < w * 0.4 and y < 70):
                continue
            c = px(x, y)
            # the tint (a province line or a river over it darkens it a little); water or
            # plain land (what a chord leaves between itself and the horizon); else a line
            tinted = near(c, TINT, 22) if not (near(c, WATER, 6) or near(c, LAND, 6)) else False
            if not tinted and not (near(c, WATER, 6) or near(c, LAND, 6)):
                tinted = None
            samples.append((a, None if in_label(x, y) else tinted))
        best, start = 0, None
        for a, t in samples:
            if t is None:
                continue
            if t:
                start = a if start is None else start
                best = max(best, a - start)
            else:
                start = None
        print(f"{name}: the highlight tint runs along the horizon for {best:.1f}° of arc "
              f"({len(samples)} samples 4 px inside PROJ's limb; at least {min_arc}° wanted)")
        if best < min_arc:
            problems.append(f"the highlight follows the horizon for only {best:.1f}° (cut along a chord?)")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    globe = "--globe" in a
    min_arc = float(a[a.index("--globe") + 1]) if globe else 0
    a = [x for x in a if x != "--globe" and (not globe or x != a[a.index("--globe") + 1])]
    sys.exit(main(a[0], a[1], a[2], a[3], globe, min_arc))
