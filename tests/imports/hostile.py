"""Hostile spreadsheets, built on the spot (no Django here: the benchmarks use it too)."""

import zipfile

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets><sheet name="S" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    ),
}
HEAD_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def xlsx(path, sheet_rows: str, strings_mb: int = 0, dimension: str = "A1:B1"):
    """A workbook whose sheet holds ``sheet_rows`` and whose shared strings are the two
    headers plus ``strings_mb`` MB of strings that compress to almost nothing."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet {NS}><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_rows}</sheetData></worksheet>",
        )
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f"<sst {NS}><si><t>N° de série</t></si><si><t>Type d'arme</t></si>".encode())
            block = ("<si><t>" + "A" * 1000 + "</t></si>").encode() * 1024
            for _ in range(strings_mb):
                fh.write(block)
            fh.write(b"</sst>")
    return path
