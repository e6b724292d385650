"""General name shapes the recogniser should know, on small made-up texts."""

from __future__ import annotations

import pytest

from tipgraph.nlp import parse
from tipgraph.recognise import get_recogniser


def found(text: str) -> dict[str, str]:
    doc = parse(text)
    return {doc[c.start:c.end].text: c.kind for c in get_recogniser()(doc)}


@pytest.mark.parametrize("text, name", [
    ("Daniel Okafor, 57, of Springfield, was convicted in April of forced labor.", "Daniel Okafor"),
    ("A co-defendant, recruiter Tomás Ibáñez Ruiz, 44, pleaded guilty in March.", "Tomás Ibáñez Ruiz"),
    ("The case was described by Dr Ivana Petrović, a researcher, as typical.", "Ivana Petrović"),
])
def test_people_by_age_and_accented_names(text, name):
    assert found(text).get(name) == "Person"


@pytest.mark.parametrize("text, name", [
    ("The court fined Harbour Welding Services LLC, which employed the men.", "Harbour Welding Services LLC"),
    ("Workers were placed by Golden Star Manpower Agency Sdn Bhd in Selangor.",
     "Golden Star Manpower Agency Sdn Bhd"),
    ("The supplier, Northbay Seafood Co., Ltd., denied the claims.", "Northbay Seafood Co., Ltd."),
])
def test_companies_are_businesses_not_government_bodies(text, name):
    assert found(text).get(name) == "Business"


def test_organisation_introduced_by_apposition():
    names = found("The volunteers work for Lantern Road Rescue, a non-profit group that runs shelters.")
    assert names.get("Lantern Road Rescue") == "CivilSocietyOrganisation"


def test_sentence_opener_is_not_part_of_a_name():
    names = found("According to Blue Harbour Foundation, a UK charity, 40 children were referred.")
    assert names.get("Blue Harbour Foundation") == "CivilSocietyOrganisation"
    assert not any(n.startswith("According") for n in names)


def test_prose_sentence_full_of_names_is_not_a_headline():
    names = found("Alongside the 1956 Act, Indian prosecutors now rely on Section 143 of the "
                  "Bharatiya Nyaya Sanhita, which replaced the Indian Penal Code in July 2024.")
    assert names.get("Bharatiya Nyaya Sanhita") == "Statute"
    assert names.get("Indian Penal Code") == "Statute"


@pytest.mark.parametrize("text, name", [
    ("Federal Decree-Law No. 33 of 2021 overhauled labour relations.", "Federal Decree-Law No. 33 of 2021"),
    ("Royal Decree M/51 of 2005 governs labour.", "Royal Decree M/51 of 2005"),
])
def test_numbered_decrees(text, name):
    assert found(text).get(name) == "Statute"


def test_office_named_after_its_holder():
    names = found("Prosecutors said the U.S. Attorney's Office would appeal.")
    assert names.get("U.S. Attorney's Office") == "GovernmentBody"


def test_body_located_in_another_is_two_names():
    names = found("The Single Competent Authority in the Home Office decides the cases.")
    assert names.get("Single Competent Authority") == "GovernmentBody"
    assert names.get("Home Office") == "GovernmentBody"


def test_state_police_is_a_government_body():
    assert found("Officers of Nepal Police said the border was open.").get("Nepal Police") \
        == "GovernmentBody"


def test_division_head():
    assert found("The agency's Wage and Hour Division found back wages owed.").get(
        "Wage and Hour Division") == "GovernmentBody"


def test_name_located_in_a_state_stops_before_it():
    names = found("Critics pointed to the 2024 enactment of the Safeguarding National Security "
                  "Ordinance in Hong Kong.")
    assert not any(n.endswith("in Hong Kong") for n in names)


def _graph(tmp_path, body: str):
    from tipgraph.build import build_dataset

    path = tmp_path / "t1.txt"
    path.write_text(f"Test article on trafficking law\n\n{body}\n", encoding="utf-8")
    return build_dataset([str(path)])


def _jurisdictions(dataset, law_name: str) -> set[str]:
    from rdflib import Literal

    from tipgraph.namespace import SCHEMA, TG

    out = set()
    for graph in dataset.graphs():
        for law in graph.subjects(SCHEMA.name, Literal(law_name)):
            for state in graph.objects(law, TG.jurisdiction):
                out.update(str(n) for n in graph.objects(state, SCHEMA.name))
    return out


def test_law_jurisdiction_from_demonym_and_paragraph(tmp_path):
    dataset = _graph(tmp_path, "Nepal is the focus of this story and Nepal is named often.\n\n"
                     "Prosecutors rely on the Indian Penal Code in such cases.\n\n"
                     "The UAE presents itself as a reformer. Federal Decree-Law No. 9 of 2022 "
                     "covers domestic workers.")
    assert _jurisdictions(dataset, "Indian Penal Code") == {"India"}
    assert _jurisdictions(dataset, "Federal Decree-Law No. 9 of 2022") == {"United Arab Emirates"}
