"""What the Mapnik benchmarks share: bordermap's newsroom style as a Mapnik XML map over
the same Natural Earth shapefiles, so that both renderers draw the same layers with the
same colours, line widths and fonts.

Equivalence (what both draw, and what only bordermap draws):
- layers: water (background), land, glaciers, highlighted countries, lakes, highlighted
  provinces (fill and outline), province lines inside the highlighted countries, rivers
  (width by scalerank), international boundaries (solid) and disputed lines (dashed),
  populated places (dot and name), country, physical region and river names, all from the
  same .shp files, with bordermap's colours and widths at the same size factor
  (bordermap's k = width / 1200 is Mapnik's scale_factor);
- which features are labelled follows bordermap's rules: places up to the scalerank
  bordermap shows at the map's scale (max_place_rank in src/pipeline/labels.c), regions two
  ranks fewer, rivers one more; point labels try 8 positions (Mapnik's simple placement);
- the frame and projection are bordermap's (its --labels-report gives both), so both
  draw the same part of the earth;
- Mapnik draws no title block, credit, legend, scale bar or inset (it has no page
  furniture), and its labels are not checked against polygons or leaders: the Mapnik
  side does less work than bordermap's.

Run with Debian's python3-mapnik (/usr/bin/python3)."""
import os
import struct
from xml.sax.saxutils import escape


LONLAT = "+proj=longlat +datum=WGS84 +no_defs"
FONTS = "/usr/share/fonts/truetype/noto"

# styles/newsroom.yaml, sizes in pixels of a 1200 px wide map
C = {
    "water": "#d9e8f2", "land": "#f3f1ec", "lake": "#d9e8f2", "glacier": "#fbfbf9",
    "highlight_country": "#e4ddd0", "highlight_province": "#f2c4bd", "accent": "#c0392b",
    "province_line": "#c9c4ba", "river": "#9cc2dc", "border": "#8c8c8c", "text": "#222222",
    "country_label": "#7a7a7a", "halo": "rgba(243,241,236,0.87)", "city_dot": "#333333",
    "river_label": "#3f77a0", "region_label": "#8a7b66",
}


def dbf_fields(path):
    """The field names of a .dbf, to find Natural Earth's fields whatever their case."""
    with open(path, "rb") as f:
        head = f.read(32)
        size = struct.unpack("<H", head[8:10])[0]
        body = f.read(size - 32)
    names = []
    for i in range(0, len(body) - 1, 32):
        if body[i] == 0x0D:
            break
        names.append(body[i:i + 11].split(b"\0")[0].decode())
    return names


class Layers:
    """The 10m shapefiles of a bordermap data folder and their field names by lower case."""

    def __init__(self, data, scale="10m"):
        self.data, self.scale = data, scale

    def shp(self, stem):
        name = f"ne_{self.scale}_{stem}"
        return os.path.join(self.data, name, name + ".shp")

    def field(self, stem, name):
        for f in dbf_fields(self.shp(stem)[:-4] + ".dbf"):
            if f.lower() == name.lower():
                return f
        raise KeyError(f"{stem} has no field {name}")


def max_place_rank(m_per_ref_px):
    """bordermap's rule (src/pipeline/labels.c): which scalerank a map shows."""
    if m_per_ref_px > 8000:
        return 2
    if m_per_ref_px > 3000:
        return 4
    if m_per_ref_px > 1000:
        return 6
    return 8


def layer(name, ds, styles, srs=LONLAT):
    params = "".join(f'<Parameter name="{k}">{escape(str(v))}</Parameter>' for k, v in ds.items())
    st = "".join(f"<StyleName>{s}</StyleName>" for s in styles)
    return f'<Layer name="{name}" srs="{srs}">{st}<Datasource>{params}</Datasource></Layer>'


def shape(path):
    return {"type": "shape", "file": path}


def quote(v):
    """A string inside a Mapnik expression's single quotes."""
    return v.replace("\\", "\\\\").replace("'", "\\'")


def any_of(field, values):
    return " or ".join(f"[{field}] = '{quote(v)}'" for v in values) or "false"


def text(expr, size, fill, face="Noto Sans Regular", extra=""):
    return (f'<TextSymbolizer face-name="{face}" size="{size}" fill="{fill}" '
            f'halo-fill="{C["halo"]}" halo-radius="1.75" {extra}>{escape(expr)}</TextSymbolizer>')


def base_map_xml(L, srs, max_rank, countries, provinces, country_lines=None, extra_layers="",
                 extra_styles=""):
    """The base map of bordermap's newsroom style. countries: ISO A3 codes highlighted;
    provinces: (ISO A3, name) pairs highlighted; country_lines: ISO A3 codes inside which
    province lines are drawn (default: the countries of the highlighted provinces)."""
    a3 = L.field("admin_0_countries", "adm0_a3")
    p_a3, p_name = L.field("admin_1_states_provinces", "adm0_a3"), L.field(
        "admin_1_states_provinces", "name")
    if country_lines is None:
        country_lines = sorted({c for c, _ in provinces})
    hl_prov = " or ".join(f"([{p_a3}] = '{c}' and [{p_name}] = '{quote(n)}')"
                          for c, n in provinces) or "false"
    r_rank = L.field("rivers_lake_centerlines", "scalerank")
    r_name = L.field("rivers_lake_centerlines", "name")
    b_cla = L.field("admin_0_boundary_lines_land", "featurecla")
    pl = {k: L.field("populated_places", k) for k in ("name", "scalerank", "featurecla")}
    rg = {k: L.field("geography_regions_polys", k) for k in ("name", "scalerank", "featurecla")}
    c_name = L.field("admin_0_countries", "name")
    styles = f"""
<Style name="land"><Rule><PolygonSymbolizer fill="{C['land']}"/></Rule></Style>
<Style name="glaciers"><Rule><PolygonSymbolizer fill="{C['glacier']}"/></Rule></Style>
<Style name="countries"><Rule><Filter>{escape(any_of(a3, countries))}</Filter>
  <PolygonSymbolizer fill="{C['highlight_country']}"/></Rule></Style>
<Style name="lakes"><Rule><PolygonSymbolizer fill="{C['lake']}"/></Rule></Style>
<Style name="highlights"><Rule><Filter>{escape(hl_prov)}</Filter>
  <PolygonSymbolizer fill="{C['highlight_province']}"/></Rule></Style>
<Style name="province-lines"><Rule><Filter>{escape(any_of(p_a3, country_lines))} and not ({escape(hl_prov)})</Filter>
  <LineSymbolizer stroke="{C['province_line']}" stroke-width="0.5"/></Rule></Style>
<Style name="rivers">
  <Rule><Filter>[{r_rank}] &lt;= 3</Filter><LineSymbolizer stroke="{C['river']}" stroke-width="1.04"/></Rule>
  <Rule><Filter>[{r_rank}] &gt; 3 and [{r_rank}] &lt;= 6</Filter><LineSymbolizer stroke="{C['river']}" stroke-width="0.8"/></Rule>
  <Rule><Filter>[{r_rank}] &gt; 6</Filter><LineSymbolizer stroke="{C['river']}" stroke-width="0.56"/></Rule>
</Style>
<Style name="highlight-outlines"><Rule><Filter>{escape(hl_prov)}</Filter>
  <LineSymbolizer stroke="{C['accent']}" stroke-width="1.0"/></Rule></Style>
<Style name="boundaries"><Rule><Filter>[{b_cla}] = 'International boundary (verify)'</Filter>
  <LineSymbolizer stroke="{C['border']}" stroke-width="1.0"/></Rule>
  <Rule><ElseFilter/><LineSymbolizer stroke="{C['border']}" stroke-width="1.0" stroke-dasharray="4,3"/></Rule></Style>
<Style name="disputed"><Rule><LineSymbolizer stroke="{C['land']}" stroke-width="2.5"/>
  <LineSymbolizer stroke="{C['border']}" stroke-width="1.0" stroke-dasharray="4,3"/></Rule></Style>
<Style name="place-labels"><Rule><Filter>[{pl['scalerank']}] &lt;= {max_rank}</Filter>
  <MarkersSymbolizer fill="{C['city_dot']}" width="4.5" height="4.5" stroke-width="0" allow-overlap="true"/>
  {text(f"[{pl['name']}]", 11.5, C['text'], extra='placement-type="simple" placements="NE,E,NW,W,SE,SW,N,S" dx="4" dy="4"')}
</Rule></Style>
<Style name="country-labels"><Rule>
  {text(f"[{c_name}]", 12, C['country_label'], extra='text-transform="uppercase" character-spacing="1.8" placement="interior" wrap-width="100"')}
</Rule></Style>
<Style name="region-labels"><Rule><Filter>[{rg['scalerank']}] &lt;= {max_rank - 2} and not ([{rg['featurecla']}] = 'Continent')</Filter>
  {text(f"[{rg['name']}]", 11, C['region_label'], face="Noto Sans Italic", extra='text-transform="uppercase" character-spacing="2.2" placement="interior"')}
</Rule></Style>
<Style name="river-labels"><Rule><Filter>[{r_rank}] &lt;= {max_rank + 1}</Filter>
  {text(f"[{r_name}]", 10.5, C['river_label'], face="Noto Sans Italic", extra='placement="line" spacing="300" max-char-angle-delta="28" dy="-4"')}
</Rule></Style>
{extra_styles}"""
    layers = "".join([
        layer("land", shape(L.shp("land")), ["land"]),
        layer("glaciers", shape(L.shp("glaciated_areas")), ["glaciers"]),
        layer("countries", shape(L.shp("admin_0_countries")), ["countries"]),
        layer("lakes", shape(L.shp("lakes")), ["lakes"]),
        layer("provinces", shape(L.shp("admin_1_states_provinces")),
              ["highlights", "province-lines"]),
        layer("rivers", shape(L.shp("rivers_lake_centerlines")), ["rivers"]),
        layer("province-outlines", shape(L.shp("admin_1_states_provinces")),
              ["highlight-outlines"]),
        layer("boundaries", shape(L.shp("admin_0_boundary_lines_land")), ["boundaries"]),
        layer("disputed", shape(L.shp("admin_0_boundary_lines_disputed_areas")), ["disputed"]),
        extra_layers,
        layer("places", shape(L.shp("populated_places")), ["place-labels"]),
        layer("country-names", shape(L.shp("admin_0_countries")), ["country-labels"]),
        layer("region-names", shape(L.shp("geography_regions_polys")), ["region-labels"]),
        layer("river-names", shape(L.shp("rivers_lake_centerlines")), ["river-labels"]),
    ])
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Map srs="{srs}" '
            f'background-color="{C["water"]}">{styles}{layers}</Map>')


def new_map(xml, width, height, frame):
    import mapnik  # here: the rest of this file serves without python3-mapnik
    mapnik.register_fonts(FONTS)
    m = mapnik.Map(width, height)
    mapnik.load_map_from_string(m, xml)
    m.zoom_to_box(mapnik.Box2d(*frame))
    return m


def render(m, path, scale_factor):
    import mapnik
    im = mapnik.Image(m.width, m.height)
    mapnik.render(m, im, scale_factor)
    im.save(path, "png32")


def dbf_records(path, fields):
    """The values of some fields of every record of a .dbf (text, stripped)."""
    with open(path, "rb") as f:
        head = f.read(32)
        n, hsize, rsize = struct.unpack("<IHH", head[4:12])
        desc = f.read(hsize - 32)
        cols, off = [], 1
        for i in range(0, len(desc) - 1, 32):
            if desc[i] == 0x0D:
                break
            cols.append((desc[i:i + 11].split(b"\0")[0].decode().lower(), off, desc[i + 16]))
            off += desc[i + 16]
        want = [next(c for c in cols if c[0] == k.lower()) for k in fields]
        f.seek(hsize)
        out = []
        for _ in range(n):
            r = f.read(rsize)
            out.append([r[o:o + s].decode("utf-8", "replace").strip() for _, o, s in want])
        return out


def afghan_provinces(L):
    """The names of Afghanistan's provinces in the 10m admin-1 layer, in record order."""
    recs = dbf_records(L.shp("admin_1_states_provinces")[:-4] + ".dbf", ["adm0_a3", "name"])
    return [name for a3, name in recs if a3 == "AFG"]
