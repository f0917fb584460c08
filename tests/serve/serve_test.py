#!/usr/bin/python3
"""Acceptance tests of `bordermap serve`, the live preview.

  serve_test.py browser BIN DATA SRC TMP   the page in headless Chromium (selenium, chromedriver):
      the story map shows; after the spec's title is edited the page shows the new map within
      3 s (the image changed, the title is in the report and in the SVG download); a save of
      the site file the spec names redraws too; the debug view toggles; the phone preview is
      600 px wide; a broken spec shows the CLI's very error line over the last good map and
      the server still answers; restoring the spec brings the map back.
  serve_test.py http BIN DATA SRC TMP      the same loop over plain HTTP with --poll (the
      watcher without inotify), a save that cancels a slow render under way, a render
      process that crashes, and the request bounds: bodies, foreign Host headers, unknown
      paths and paths in the URL are refused, nothing is read from the request.

The server runs in its own process group, killed (and checked gone) whatever happens.
Exit 77 (skipped) only when chromium itself is not installed.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

BUDGET = 3.0  # seconds from a save to the new map on the page: the acceptance criterion
SLOW = 120.0  # generous bound for things that only have to happen (first render, start-up)


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def wait_for(what, cond, timeout, step=0.05):
    """Polls cond() until it returns a true value; fails naming what after timeout s."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = cond()
        except Exception as e:  # the page between two states: try again
            last = e
            time.sleep(step)
            continue
        if last and not isinstance(last, Exception):
            return last
        time.sleep(step)
    fail("%s: not within %.1f s (last: %r)" % (what, timeout, last))


def die_with_parent():
    """In the server's process: SIGKILL when this test dies, even killed outright (a ctest
    timeout), so no server is ever left behind (its render children die with it)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Server:
    def __init__(self, binary, spec, data, cwd, *extra):
        self.log = open(os.path.join(cwd, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [binary, "serve", spec, "--port", "0", "--data", data] + list(extra),
            cwd=cwd, stdout=subprocess.PIPE, stderr=self.log, text=True, start_new_session=True,
            preexec_fn=die_with_parent)
        line = self.proc.stdout.readline()  # the address, printed once listening
        m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not m:
            self.stop()
            fail("serve printed no address: %r; its log:\n%s" % (line, self.read_log()))
        self.url = m.group(1)

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def state(self):
        with urllib.request.urlopen(self.url + "state", timeout=10) as r:
            return json.load(r)

    def get(self, path, **kw):
        req = urllib.request.Request(self.url + path.lstrip("/"), **kw)
        try:
            with urllib.request.urlopen(req, timeout=90) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()
        except (urllib.error.URLError, ConnectionError) as e:  # refused by closing
            return 0, {}, str(e).encode()

    def stop(self):
        """Kills the server and its render children; checks that none is left."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything of its group still there
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc.stdout.close()
        # the group is gone once no process is left in it
        for _ in range(100):
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        fail("processes of the server's group are left after it was killed")


def make_spec(src, tmp, title):
    """The story map in a folder of its own, its site file beside it."""
    os.makedirs(tmp, exist_ok=True)
    shutil.copy(os.path.join(src, "geodata", "central-asia-sites.geojson"), tmp)
    with open(os.path.join(src, "maps", "central-asia.yaml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("../geodata/central-asia-sites.geojson", "central-asia-sites.geojson")
    text = re.sub(r"(?m)^title: .*$", "title: " + title, text, count=1)
    return text


def save(path, text):
    """Saves like an editor: a new file renamed over the old one."""
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".new", path)


def cli_error_line(binary, spec, data, cwd):
    """The error line `bordermap render` prints for a spec."""
    r = subprocess.run([binary, "render", spec, "--data", data, "-o", os.path.join(cwd, "x.png")],
                       cwd=cwd, capture_output=True, text=True, timeout=SLOW)
    if r.returncode == 0:
        fail("the broken spec rendered")
    return r.stderr.strip().splitlines()[-1]


BROKEN_KEY = "colour: red\n"


def run_http(binary, data, src, tmp):
    spec = os.path.join(tmp, "story.yaml")
    save(spec, make_spec(src, tmp, "Polled title one"))
    srv = Server(binary, spec, data, tmp, "--poll")
    try:
        if "(polling)" not in wait_for("the watcher's line", lambda: "watching" in srv.read_log()
                                       and srv.read_log(), SLOW):
            fail("--poll did not poll: " + srv.read_log())
        s = wait_for("the first map", lambda: (lambda s: s["map"] and s)(srv.state()), SLOW)
        code, hdr, png = srv.get("/map.png")
        if code != 200 or not png.startswith(b"\x89PNG") or hdr["Content-Type"] != "image/png":
            fail("/map.png: %s %s" % (code, hdr["Content-Type"]))
        # an edit of the title, seen by polling, redraws within the budget
        t0 = time.monotonic()
        save(spec, make_spec(src, tmp, "Polled title two"))
        s2 = wait_for("the new map after the title edit (polling)",
                      lambda: (lambda n: n["map"] > s["map"] and n["title"] == "Polled title two"
                               and n)(srv.state()), BUDGET)
        print("polling: new map %.2f s after the save" % (time.monotonic() - t0))
        code, _, png2 = srv.get("/map.png")
        if png2 == png:
            fail("the map did not change with the title")
        # a broken spec: its error, the old map kept, the server answering
        save(spec, make_spec(src, tmp, "Polled title two") + BROKEN_KEY)
        line = cli_error_line(binary, spec, data, tmp)
        s3 = wait_for("the error after the broken save", lambda: (lambda n: n["error"] and n)(
            srv.state()), 10)
        if s3["error"] != line:
            fail("the page's error %r is not the CLI's %r" % (s3["error"], line))
        code, _, png3 = srv.get("/map.png")
        if code != 200 or png3 != png2:
            fail("the last good map is not kept while the spec is broken")
        save(spec, make_spec(src, tmp, "Polled title three"))
        wait_for("recovery", lambda: (lambda n: not n["error"] and n["map"] > s2["map"]
                                      and n["title"] == "Polled title three")(srv.state()), 10)

        # a newer save cancels the render under way: a slow one (a huge map) must not hold
        # up the next, which shows within the budget
        before = srv.state()
        save(spec, make_spec(src, tmp, "Huge and slow").replace(
            "size: {width: 1200, height: 800}", "size: {width: 12000, height: 8000}"))
        wait_for("the huge render to start", lambda: srv.state()["render"] > before["render"], 10)
        time.sleep(0.3)
        t0 = time.monotonic()
        save(spec, make_spec(src, tmp, "After the huge one"))
        s4 = wait_for("the map after a save that superseded a slow render",
                      lambda: (lambda n: n["title"] == "After the huge one" and n["map"] ==
                               n["render"] and n)(srv.state()), BUDGET + 3)
        print("polling: superseding save shown %.2f s after it" % (time.monotonic() - t0))
        if time.monotonic() - t0 > BUDGET:
            fail("the save after a slow render took %.2f s: the slow render was not cancelled"
                 % (time.monotonic() - t0))
        code, _, png4 = srv.get("/map.png")
        if not png4.startswith(b"\x89PNG") or png4[16:24] != bytes.fromhex("000004b000000320"):
            fail("the map shown is not the 1200 x 800 one of the last save")

        # a render process that dies (here: killed with SIGSEGV in a slow render) is an error
        # line on the page; the server answers and the next save renders
        before = srv.state()
        save(spec, make_spec(src, tmp, "Huge and slow").replace(
            "size: {width: 1200, height: 800}", "size: {width: 12000, height: 8000}"))
        wait_for("the huge render to start", lambda: srv.state()["render"] > before["render"], 10)
        time.sleep(0.5)
        workers = subprocess.run(["pgrep", "-P", str(srv.proc.pid), "-f", "render-child"],
                                 capture_output=True, text=True).stdout.split()
        if len(workers) != 2:  # the one rendering and the one standing by
            fail("expected 2 render workers, found %r" % workers)
        for pid in workers:
            os.kill(int(pid), signal.SIGSEGV)
        s5 = wait_for("the error of a crashed render", lambda: (lambda n: "the render died (signal "
                      "11)" in n["error"] and n)(srv.state()), 10)
        code, _, png5 = srv.get("/map.png")
        if code != 200 or png5 != png4:
            fail("the last good map is not kept after a crashed render")
        save(spec, make_spec(src, tmp, "After the crash"))
        wait_for("a map after the crash", lambda: (lambda n: n["title"] == "After the crash" and
                                                   n["map"] > s5["map"] and not n["error"])(
                                                       srv.state()), 10)

        # bounds: nothing but fixed paths, no bodies, only this machine's names
        for path in ("/../../etc/passwd", "/download/../../etc/passwd", "/map.png/..", "/etc/passwd",
                     "/state?file=/etc/passwd"):
            code, _, body = srv.get(path)
            if b"root:" in body or (code == 200 and path != "/state?file=/etc/passwd"):
                fail("%s answered %s" % (path, code))
        code, _, _ = srv.get("/state", data=b"x" * 1000, method="POST")
        if code not in (405, 413):
            fail("a POST with a body to /state answered %s" % code)
        code, _, _ = srv.get("/debug/on", data=b"x" * 1000, method="POST")
        if code != 413 or srv.state()["debug"]:
            fail("a body was taken (%s)" % code)
        code, _, _ = srv.get("/state", headers={"Host": "attacker.example:80"})
        if code != 403:
            fail("a foreign Host header was answered (%s)" % code)
        code, _, _ = srv.get("/state", headers={"X-Big": "y" * 100000})
        if code == 200:
            fail("a 100 kB header was taken")
        if srv.state()["seq"] < 0:  # still answering after all that
            fail("state")
    finally:
        srv.stop()
    print("serve over HTTP with polling: ok")


def run_browser(binary, data, src, tmp):
    if not shutil.which("chromium"):
        print("SKIP: chromium is not installed (scripts/test.sh installs chromium, chromium-driver "
              "and python3-selenium)")
        sys.exit(77)
    from selenium import webdriver  # chromium is there: a missing selenium is a failure
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    spec = os.path.join(tmp, "story.yaml")
    title1 = "Iran opens a drone factory in Tajikistan"
    save(spec, make_spec(src, tmp, title1))
    sites = os.path.join(tmp, "central-asia-sites.geojson")

    # Chromium first: its start-up must not count against the redraw budget
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1900,1200", "--user-data-dir=" + os.path.join(tmp, "chromium")):
        opts.add_argument(a)
    opts.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or
                                              "/usr/bin/chromedriver"), options=opts)
    srv = None
    try:
        driver.set_script_timeout(60)
        srv = Server(binary, spec, data, tmp)
        driver.get(srv.url)

        def shown(img_id):
            """(version, digest of the pixels) of a loaded image, or None."""
            return driver.execute_script("""
              const img = document.getElementById(arguments[0]);
              if (!img.complete || !img.naturalWidth) return null;
              const c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight;
              const g = c.getContext('2d'); g.drawImage(img, 0, 0);
              const d = g.getImageData(0, 0, c.width, c.height).data;
              let h = 0;
              for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) | 0;
              return [Number(img.dataset.version), h, img.naturalWidth];""", img_id)

        def text(el_id):
            return driver.find_element(By.ID, el_id).text

        first = wait_for("the first map on the page", lambda: shown("map"), SLOW)
        wait_for("the title in the report", lambda: text("title") == title1, SLOW)
        phone = wait_for("the phone preview", lambda: shown("phone-map"), SLOW)
        if phone[2] != 600:
            fail("the phone preview is %d px wide, not 600" % phone[2])
        if "dropped" not in text("summary"):
            fail("no report summary: %r" % text("summary"))

        # the acceptance: a title edit is on the page within 3 s
        title2 = "Drone factory opens near the Afghan border"
        t0 = time.monotonic()
        save(spec, make_spec(src, tmp, title2))
        new = wait_for("the new map after the title edit",
                       lambda: (lambda m: m and m[0] > first[0] and m[1] != first[1]
                                and text("title") == title2 and m)(shown("map")), BUDGET)
        print("browser: new map and title %.2f s after the save" % (time.monotonic() - t0))
        svg = driver.execute_async_script("""
          const done = arguments[arguments.length - 1];
          fetch('/download/map.svg').then(r => r.text()).then(done, e => done('error ' + e));""")
        if title2 not in svg or title1 in svg:
            fail("the SVG download does not carry the new title")

        # a save of the site file the spec names redraws too (the watch follows the spec)
        with open(sites, encoding="utf-8") as f:
            geo = f.read()
        if "Russia's 201st base\"" not in geo:
            fail("the site file has no Russia's 201st base to rename")
        t0 = time.monotonic()
        save(sites, geo.replace("Russia's 201st base\"", "Russian 201st garrison\""))
        after_sites = wait_for(
            "the new map after the site file was saved",
            lambda: (lambda m: m and m[0] > new[0] and m[1] != new[1] and m)(shown("map")), BUDGET)
        print("browser: new map %.2f s after the site file was saved" % (time.monotonic() - t0))
        wait_for("the renamed site in the report", lambda: driver.execute_async_script("""
          const done = arguments[arguments.length - 1];
          fetch('/report.json').then(r => r.json()).then(
              j => done(j.labels.some(l => l.text === 'Russian 201st garrison')), e => done(false));"""), 10)

        # the debug view: the toggle redraws with the label boxes
        driver.find_element(By.ID, "debug").click()
        debug = wait_for("the debug view", lambda: (lambda m: m and m[0] > after_sites[0] and
                                                    m[1] != after_sites[1] and m)(shown("map")),
                         SLOW)
        if not srv.state()["debug"]:
            fail("the server did not take the debug view")
        driver.find_element(By.ID, "debug").click()
        wait_for("the debug view off", lambda: not srv.state()["debug"], 10)
        good = wait_for("the map without the debug view",
                        lambda: (lambda m: m and m[0] > debug[0] and m)(shown("map")), SLOW)

        # downloads: each button gives its format
        for el_id, magic in (("dl-png", b"\x89PNG"), ("dl-pdf", b"%PDF"), ("dl-svg", b"<?xml")):
            href = driver.find_element(By.ID, el_id).get_attribute("href")
            code, hdr, body = srv.get(href[len(srv.url) - 1:])
            if code != 200 or not body.startswith(magic) or "attachment" not in \
                    hdr.get("Content-Disposition", ""):
                fail("download %s: %s %r" % (href, code, body[:8]))

        # a broken spec: the CLI's own error line over the last good map; the server answers
        save(spec, make_spec(src, tmp, title2) + BROKEN_KEY)
        line = cli_error_line(binary, spec, data, tmp)
        wait_for("the error line on the page", lambda: driver.find_element(
            By.ID, "error").is_displayed() and text("error") == line, 10)
        if "unknown key 'colour'" not in line:
            fail("unexpected CLI line %r" % line)
        kept = shown("map")
        if not kept or kept[:2] != good[:2]:
            fail("the last good map is not shown under the error")
        code, _, _ = srv.get("/state")
        if code != 200 or srv.proc.poll() is not None:
            fail("the server does not answer after the broken save")

        # restored: the error goes, a new map comes
        title3 = "Restored title"
        t0 = time.monotonic()
        save(spec, make_spec(src, tmp, title3))
        wait_for("recovery after the spec was restored",
                 lambda: (lambda m: m and m[0] > good[0] and text("title") == title3 and
                          not driver.find_element(By.ID, "error").is_displayed())(shown("map")),
                 BUDGET)
        print("browser: recovered %.2f s after the save" % (time.monotonic() - t0))
    finally:
        driver.quit()
        if srv:
            srv.stop()
    print("serve in the browser: ok")


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("browser", "http"):
        print(__doc__)
        sys.exit(2)
    mode, binary, data, src, tmp = sys.argv[1:]
    tmp = os.path.join(tmp, mode)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    (run_browser if mode == "browser" else run_http)(binary, data, src, tmp)


if __name__ == "__main__":
    main()
