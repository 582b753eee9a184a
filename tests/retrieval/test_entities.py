"""Entities pulled out of text become graph nodes."""

from __future__ import annotations

from tickets.retrieval.entities import EntityExtractor, error_codes, kb_citations


def test_error_codes_components_versions_and_products():
    extractor = EntityExtractor(products=("Router-X", "CloudSync"))
    text = (
        "Router-X shows ERR-1042 then E1042 after v4.3.0; java.lang.NullPointerException in "
        "org.apache.hadoop.fs.FileSystem (hadoop-yarn-common), HTTP 503, ORA-00942, 0x80070005"
    )
    assert extractor.extract(text) == [
        "error:e1042",
        "error:0x80070005",
        "code:err-1042",
        "code:ora-00942",
        "error:http 503",
        "error:nullpointerexception",
        "component:org.apache.hadoop.fs",
        "component:filesystem",
        "component:hadoop-yarn-common",
        "version:4.3.0",
        "product:router-x",
    ]


def test_times_and_plain_decimals_are_not_versions():
    assert EntityExtractor().extract("at 00:21:11.596 the load was 2.5") == []


def test_kb_citations_in_order_without_repeats():
    text = "Followed [KB-0019], then [KB-0002] and [KB-0019] again, as in [TCK-17]"
    assert kb_citations(text) == ["KB-0019", "KB-0002"]
    assert EntityExtractor().extract(text) == []  # citations are edges, not entities


def test_short_product_codes_and_the_error_code_list():
    entities = EntityExtractor().extract("SecureVPN crashes with V-3090; Wi-Fi W-204; ERR-4711")
    assert entities == ["error:e4711", "code:v-3090", "code:w-204", "code:err-4711"]
    assert error_codes(entities) == ["E4711", "V-3090", "W-204", "ERR-4711"]
