"""The shipped rule files and the digest that decides reprocessing."""

import pipeline.resources as rules


def test_download_locations_do_not_reprocess_documents(monkeypatch):
    shipped = rules.resource_files()
    assert "data_sources.yaml" in shipped and "drug_rules.yaml" in shipped
    digest = rules.resources_digest()
    monkeypatch.setattr(rules, "resource_files", lambda: [n for n in shipped if n != "data_sources.yaml"])
    assert rules.resources_digest() == digest
    monkeypatch.setattr(rules, "resource_files", lambda: [n for n in shipped if n != "drug_rules.yaml"])
    assert rules.resources_digest() != digest
