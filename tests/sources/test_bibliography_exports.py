"""BibTeX and RIS of every source, parsed back with bibtexparser 2 and rispy, agree with the CSL-JSON."""
import bibtexparser
import rispy
from pylatexenc.latex2text import LatexNodes2Text

from sources.citations import csl_to_bibtex, csl_to_ris, to_bibtex, to_csl, to_ris
from sources.models import Source

# Where a BibTeX entry type keeps the CSL container (reference managers read it there).
CONTAINER_FIELD = {"article": "journal", "misc": "howpublished"}
LATEX = LatexNodes2Text()


def bibtex_fields(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Entries by key: (entry type, fields decoded from LaTeX; ``url`` is verbatim, as BibLaTeX reads it)."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []  # duplicate keys and broken entries land here
    decoded = {}
    for entry in library.entries:
        fields = {field.key: field.value if field.key == "url" else LATEX.latex_to_text(field.value).replace("ˆ", "^")
                  for field in entry.fields}
        decoded[entry.key] = (entry.entry_type, fields)
    return decoded


def test_bibtex_and_ris_of_every_source_agree_with_the_csl(every_source):
    items = {item["id"]: item for item in map(to_csl, every_source)}
    entries = bibtex_fields(to_bibtex(every_source))
    records = {record["id"]: record for record in rispy.loads(to_ris(every_source))}
    assert len(entries) == len(records) == len(items) == 59
    disagreements = []
    for key, item in items.items():
        entry_type, fields = entries[key]
        record = records[key]
        year = str(item["issued"]["date-parts"][0][0]) if "issued" in item else None
        bibtex = (fields.get("title"), fields.get(CONTAINER_FIELD.get(entry_type, "journal")), fields.get("year"),
                  fields.get("url"))
        ris = (record.get("title"), record.get("secondary_title"), record.get("year"), (record.get("urls") or [None])[0])
        csl = (item.get("title"), item.get("container-title"), year, item.get("URL"))
        if not bibtex == ris == csl:
            disagreements.append((key, csl, bibtex, ris))
    assert disagreements == []


def test_the_exports_carry_types_authors_dates_and_access_dates(every_source):
    article = next(s for s in every_source if s.author == "近藤正規")
    entry_type, fields = bibtex_fields(to_bibtex([article]))[f"source-{article.pk}"]
    assert entry_type == "article" and fields["author"] == "近藤正規" and fields["volume"] == "88"
    assert fields["date"] == "2024-11/2024-12" and "month" not in fields  # a two-month issue
    record = rispy.loads(to_ris([article]))[0]
    assert (record["type_of_reference"], record["authors"], record["date"], record["volume"]) == (
        "JOUR", ["近藤正規"], "2024/11//", "88")
    page = next(s for s in every_source if "jetro.go.jp" in s.url)
    entry_type, fields = bibtex_fields(to_bibtex([page]))[f"source-{page.pk}"]
    assert entry_type == "misc" and fields["urldate"] == "2025-02-09"
    record = rispy.loads(to_ris([page]))[0]
    assert record["type_of_reference"] == "ELEC" and record["access_date"] == "2025/02/09"
    diet = next(s for s in every_source if s.kind == "diet_record")
    entry_type, fields = bibtex_fields(to_bibtex([diet]))[f"source-{diet.pk}"]
    assert entry_type == "techreport" and fields["institution"] in ("参議院", "衆議院") and fields["type"] == "会議録"


def test_hostile_text_survives_both_formats_without_breaking_a_record():
    title = "50% & {braces} \\ back_slash #1 $x$ ~ ^ }\n@misc{injected,\nER  - \nTY  - JOUR"
    source = Source(pk=9, kind="website", title=title, author="Smith, John", container="x}y",
                    url="https://example.org/a}b{c\\d?q=%25")
    one_line = " ".join(title.split())
    entries = bibtex_fields(to_bibtex([source]))
    assert list(entries) == ["source-9"]
    _type, fields = entries["source-9"]
    assert fields["title"] == one_line and fields["howpublished"] == "x}y" and fields["author"] == "Smith, John"
    assert fields["url"] == "https://example.org/a%7Db%7Bc%5Cd?q=%25"
    records = rispy.loads(to_ris([source]))
    assert len(records) == 1 and records[0]["title"] == one_line and records[0]["authors"] == ["Smith, John"]


def test_a_frozen_releases_csl_items_export_as_the_live_sources_do(every_source):
    """A release stores its sources' CSL when it is frozen; its BibTeX and RIS come from those items."""
    items = [to_csl(source) for source in every_source]
    assert csl_to_bibtex(items) == to_bibtex(every_source) and csl_to_ris(items) == to_ris(every_source)
