"""The claims mapper: quotations and reported speech, their speakers, stance and targets.

Small articles are written to a temporary folder, read and mapped like any other article; the
seed article checks the whole chain on real text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from tipgraph.article import read_article
from tipgraph.build import map_article
from tipgraph.namespace import OA, SCHEMA, TG, TGID
from tipgraph.speech import Quote, Tokens, find_quotes, quote_is_full

SEED = Path(__file__).resolve().parents[1] / "data" / "articles" / "000_df495ebb58d21c9e.txt"
SEED_ID = "000_df495ebb58d21c9e"


# -- helpers ----------------------------------------------------------------------------------
def graph_of(path: Path) -> Graph:
    graph = Graph()
    for triple in map_article(read_article(path)):
        graph.add(triple)
    return graph


def article(tmp_path: Path, *paragraphs: str, name: str = "claims_case") -> Graph:
    """Map an article made of a title and these paragraphs."""
    path = tmp_path / f"{name}.txt"
    path.write_text("Test Article On Attributed Claims\n\n" + "\n\n".join(paragraphs) + "\n",
                    encoding="utf-8")
    return graph_of(path)


def name(graph: Graph, node) -> str | None:
    value = graph.value(node, SCHEMA.name) if node is not None else None
    return str(value) if value is not None else None


def claims(graph: Graph) -> list[dict]:
    """Every claim as a plain dict, in the order of the claim IRIs (text order)."""
    found = []
    for node in graph.subjects(RDF.type, TG.Claim):
        quote = graph.value(node, TG.quotation)
        verb = graph.value(node, TG.reportingVerb)
        found.append({
            "node": node,
            "n": int(str(node).rsplit("/", 1)[1]),
            "claimant": graph.value(node, TG.claimant),
            "claimant_name": name(graph, graph.value(node, TG.claimant)),
            "behalf": graph.value(node, TG.onBehalfOf),
            "text": str(graph.value(node, TG.claimText)),
            "quote": str(quote) if quote is not None else None,
            "mode": graph.value(node, TG.attributionMode),
            "verb": str(verb) if verb is not None else None,
            "stance": graph.value(node, TG.stance),
            "about": set(graph.objects(node, TG.about)),
            "disputes": set(graph.objects(node, TG.disputes)),
            "supports": set(graph.objects(node, TG.supports)),
        })
    return sorted(found, key=lambda c: c["n"])


def claim_with(graph: Graph, words: str) -> dict:
    """The one claim whose text or quotation holds these words."""
    found = [c for c in claims(graph) if words in c["text"] or words in (c["quote"] or "")]
    texts = [c["text"] for c in claims(graph)]
    assert len(found) == 1, f"{len(found)} claims hold {words!r}: {texts}"
    return found[0]


def confidence(graph: Graph, node, prop=None) -> float:
    for ann in graph.subjects(OA.hasBody, node):
        if graph.value(ann, TG.property) == prop:
            return float(graph.value(ann, TG.confidence))
    raise AssertionError(f"no annotation of {node} for {prop}")


def evidence(graph: Graph, node, prop=None) -> list[str]:
    """The exact texts the annotations of ``node`` (for ``prop``) point at."""
    texts = []
    for ann in graph.subjects(OA.hasBody, node):
        if graph.value(ann, TG.property) != prop:
            continue
        for selector in graph.objects(graph.value(ann, OA.hasTarget), OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                texts.append(str(exact))
    return texts


# -- quotations -------------------------------------------------------------------------------
def test_quote_then_said_and_named_speaker(tmp_path):
    g = article(tmp_path, '"The boats carry satellite trackers now, but nobody watches the '
                          'wages," said Jane Okafor, director of Harbour Aid Network.')
    c = claim_with(g, "The boats carry satellite trackers")
    assert c["claimant_name"] == "Jane Okafor"
    assert c["mode"] == TG.DirectQuotation
    assert c["quote"] == c["text"] == ("The boats carry satellite trackers now, but nobody "
                                       "watches the wages")
    assert c["verb"] == "said"
    assert "Jane Okafor" in evidence(g, c["node"], TG.claimant)
    assert evidence(g, c["node"]) == [c["quote"]]


def test_speaker_before_the_quotation(tmp_path):
    g = article(tmp_path, 'Jane Okafor, director of Harbour Aid Network, said: "A tracker '
                          'watches the fish. Nobody is watching the wages."')
    c = claim_with(g, "A tracker watches the fish")
    assert c["claimant_name"] == "Jane Okafor"
    assert c["quote"] == "A tracker watches the fish. Nobody is watching the wages"
    assert len(claims(g)) == 1  # one quoted passage, one claim, even over two sentences


def test_unnamed_spokesperson_speaks_for_the_ministry(tmp_path):
    g = article(tmp_path, "The Ministry of Labour rejected the survey's conclusions. "
                          '"We have built one of the most thorough inspection systems in the '
                          'region," a ministry spokesperson said on Friday.')
    c = claim_with(g, "thorough inspection systems")
    person = c["claimant"]
    ministry = claim_with(g, "rejected the survey")["claimant"]
    assert name(g, ministry) == "Ministry of Labour"
    assert (person, RDF.type, TG.Person) in g
    assert str(person).startswith(str(TGID["article/claims_case/person/"]))
    assert name(g, person) == "ministry spokesperson"
    assert str(g.value(person, SCHEMA.jobTitle)) == "spokesperson"
    assert g.value(person, TG.speaksFor) == ministry
    assert c["behalf"] == ministry
    assert "a ministry spokesperson" in evidence(g, c["node"], TG.claimant)


def test_quote_split_around_the_attribution(tmp_path):
    g = article(tmp_path, 'Osaretin Aghedo, programme manager at Bridge of Hope Initiative, '
                          'a charity in the city, said the law had changed attitudes.',
                '"The girls who come back are told that the shame is gone," Aghedo said, '
                '"but the debt is not."')
    first = claim_with(g, "the shame is gone")
    second = claim_with(g, "but the debt is not")
    reported = claim_with(g, "the law had changed attitudes")
    assert first["claimant_name"] == second["claimant_name"] == "Osaretin Aghedo"
    assert reported["mode"] == TG.ReportedSpeech and first["mode"] == TG.DirectQuotation
    assert first["n"] < second["n"]


def test_continuation_and_pronoun(tmp_path):
    g = article(tmp_path, "Jane Okafor, director of Harbour Aid Network, spoke to reporters. "
                          "Kanya Srisuwan, a researcher at the network, is less sure. "
                          '"Brussels looked at the catch logs," she said. '
                          '"It is time someone looked at the people."')
    by_pronoun = claim_with(g, "Brussels looked at the catch logs")
    continued = claim_with(g, "It is time someone looked at the people")
    assert by_pronoun["claimant_name"] == continued["claimant_name"] == "Kanya Srisuwan"
    assert continued["verb"] is None
    assert confidence(g, continued["node"]) < confidence(g, by_pronoun["node"])


def test_speaker_in_the_next_sentence(tmp_path):
    g = article(tmp_path, "Jane Okafor, director of Harbour Aid Network, has studied the fleet. "
                          '"Nobody is watching the wages." That was how Okafor put it.')
    assert claim_with(g, "Nobody is watching the wages")["claimant_name"] == "Jane Okafor"


def test_scare_quotes_are_not_claims(tmp_path):
    g = article(tmp_path, 'The 2024 report downgraded the country to a "watch list" status '
                          'last June.')
    assert claims(g) == []


def test_partial_quotation_inside_reported_speech(tmp_path):
    g = article(tmp_path, "An official with the International Labour Organization in Bangkok, "
                          "who asked not to be named, said the ratifications were "
                          '"a floor, not a finish line" and that the agency would keep '
                          "supporting inspectors.")
    c = claim_with(g, "the ratifications were")
    assert c["mode"] == TG.DirectQuotation
    assert c["quote"] == "a floor, not a finish line"
    assert name(g, c["claimant"]) == "official with the International Labour Organization"
    assert c["behalf"] is not None and name(g, c["behalf"]) == "International Labour Organization"


def test_unnamed_person_without_a_body(tmp_path):
    g = article(tmp_path, '"I borrowed to get this job, and I still owe more than I came with," '
                          "said a 29-year-old deckhand from Myanmar who asked not to be named.")
    c = claim_with(g, "I borrowed to get this job")
    assert name(g, c["claimant"]) == "29-year-old deckhand"
    assert c["behalf"] is None
    assert g.value(c["claimant"], TG.speaksFor) is None


# -- reported speech --------------------------------------------------------------------------
def test_reported_speech_by_a_generic_group(tmp_path):
    g = article(tmp_path, "Critics argue that the changes would put crews beyond the reach of "
                          "inspectors for weeks at a time.")
    c = claim_with(g, "the changes would put crews")
    assert c["claimant_name"] == "critics"
    assert (c["claimant"], RDF.type, TG.ActorGroup) in g
    assert c["mode"] == TG.ReportedSpeech
    assert c["verb"] == "argue"
    assert c["text"] == "the changes would put crews beyond the reach of inspectors for weeks " \
                        "at a time"
    assert c["quote"] is None


def test_according_to_before_and_after(tmp_path):
    g = article(tmp_path, "According to the Ministry of Labour, 40 new inspectors were hired "
                          "this year. The task force received more money in 2023, according to "
                          "a state official who asked not to be named.")
    first = claim_with(g, "40 new inspectors were hired this year")
    second = claim_with(g, "The task force received more money in 2023")
    assert first["claimant_name"] == "Ministry of Labour"
    assert name(g, second["claimant"]) == "state official"
    assert first["verb"] == "According to"


def test_clause_before_the_speaker(tmp_path):
    g = article(tmp_path, "The Ministry of Labour opened new offices in the port towns. Its "
                          "annual budget is smaller than the sum some recruiters demand from a "
                          "single victim, the ministry said.")
    c = claim_with(g, "Its annual budget is smaller")
    assert c["claimant_name"] == "Ministry of Labour"
    assert not c["text"].endswith("said")


def test_officials_of_a_state_speak_for_it(tmp_path):
    g = article(tmp_path, "Thailand was kept on Tier 2. Thai officials maintain that the "
                          "country's legal framework is among the strongest in the region. "
                          "Officials also insist that inspections have doubled.")
    named = claim_with(g, "legal framework is among the strongest")
    bare = claim_with(g, "inspections have doubled")
    assert "Thailand" in (named["claimant_name"], name(g, named["behalf"]))
    assert bare["claimant_name"] == "officials"
    assert name(g, bare["behalf"]) == "Thailand"


def test_participles_and_coordination_share_the_subject(tmp_path):
    g = article(tmp_path, "The Department of Fisheries has said the amendments are needed to "
                          "keep small operators afloat and denied that they would weaken labour "
                          "protections, insisting that inspections will continue.")
    said = claim_with(g, "the amendments are needed")
    denied = claim_with(g, "they would weaken labour protections")
    insisting = claim_with(g, "inspections will continue")
    assert said["claimant_name"] == denied["claimant_name"] == insisting["claimant_name"] == \
        "Department of Fisheries"
    assert "denied" not in said["text"]
    # "are needed" is a call for action: the claim supports it (as case 101 expects)
    assert denied["stance"] == TG.Disputes and said["stance"] == TG.Supports


def test_relative_clause_claim_is_about_the_law(tmp_path):
    g = article(tmp_path, "Parliament passed the Public Order Act 2021, which critics argue has "
                          "further restricted civil liberties.")
    c = claim_with(g, "has further restricted civil liberties")
    assert c["claimant_name"] == "critics"
    assert any(name(g, x) and "Public Order Act" in name(g, x) for x in c["about"])


def test_stances_from_verbs_and_cues(tmp_path):
    g = article(tmp_path, "Campaigners warned that abuse is treated as a business cost. "
                          "Survivor organisations have welcomed the bill. "
                          'The ministry\'s head said the findings were "unfounded and false".',
                "Critics argue that the reforms are recent.")
    assert claim_with(g, "abuse is treated")["stance"] == TG.RaisesConcern
    assert claim_with(g, "welcomed the bill")["stance"] == TG.Supports
    assert claim_with(g, "unfounded and false")["stance"] == TG.Disputes
    assert claim_with(g, "the reforms are recent")["stance"] == TG.Asserts


def test_rejecting_earlier_claims_disputes_them(tmp_path):
    g = article(tmp_path, "Critics argue that the inspections are too rare. "
                          "The Ministry of Labour rejected these claims. "
                          "Business groups have pushed back.")
    critics = claim_with(g, "the inspections are too rare")
    rejection = claim_with(g, "rejected these claims")
    pushback = claim_with(g, "Business groups have pushed back")
    assert rejection["stance"] == TG.Disputes
    assert rejection["disputes"] == {critics["node"]}
    assert critics["node"] in pushback["disputes"]


def test_law_said_to_hinder_ngos_restricts_them(tmp_path):
    g = article(tmp_path, "Critics argue that the Public Order Act 2021 has hindered NGO "
                          "engagement with the police.")
    law = [s for s in g.subjects(TG.restricts, None)]
    assert len(law) == 1 and "Public Order Act" in name(g, law[0])
    group = g.value(law[0], TG.restricts)
    assert (group, RDF.type, TG.ActorGroup) in g
    assert any("hindered NGO" in t for t in evidence(g, law[0], TG.restricts))


def test_numbering_follows_the_text_and_is_stable(tmp_path):
    body = ('"The wages are late," said Jane Okafor, director of Harbour Aid Network. '
            "Critics argue that the law is weak. Campaigners warned that nothing changes.")
    first = article(tmp_path, body, name="stable")
    second = article(tmp_path, body, name="stable")
    assert sorted(first) == sorted(second)
    texts = [c["text"] for c in claims(first)]
    assert texts == ["The wages are late", "the law is weak", "warned that nothing changes"]


# -- the seed article -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed():
    return graph_of(SEED)


HONG_KONG = TGID["actor/hong-kong"]
REPORT_2024 = TGID["report/2024-trafficking-in-persons-report"]


def test_seed_spokesperson_quotes(seed):
    first = claim_with(seed, "We vehemently oppose and firmly reject")
    second = claim_with(seed, "The findings in the Report are groundless")
    assert first["claimant"] == second["claimant"]
    spokesperson = first["claimant"]
    assert name(seed, spokesperson) == "government spokesperson"
    assert str(seed.value(spokesperson, SCHEMA.jobTitle)) == "spokesperson"
    assert seed.value(spokesperson, TG.speaksFor) == HONG_KONG
    for c in (first, second):
        assert c["mode"] == TG.DirectQuotation
        assert c["behalf"] == HONG_KONG
        assert c["stance"] == TG.Disputes
        assert REPORT_2024 in c["disputes"]
    assert first["verb"] == "said" and second["verb"] is None


def test_seed_second_quote_disputes_the_rating(seed):
    second = claim_with(seed, "The findings in the Report are groundless")
    ratings = [x for x in second["disputes"] if (x, RDF.type, TG.Rating) in seed]
    assert ratings, "the claim should dispute the rating of Hong Kong"
    assert all(seed.value(r, TG.ratedSubject) == HONG_KONG for r in ratings)


def test_seed_report_findings(seed):
    citing = claim_with(seed, "recent security laws have hindered NGO engagement")
    highlights = claim_with(seed, "continues to publicly downplay the prevalence of trafficking")
    publisher = TGID["actor/us-department-of-state"]
    for c in (citing, highlights):
        assert c["claimant"] == publisher
        assert REPORT_2024 in c["about"]
        assert c["mode"] == TG.ReportedSpeech
    assert citing["verb"] == "citing" and highlights["verb"] == "highlights"
    assert citing["stance"] == TG.RaisesConcern
    assert HONG_KONG in highlights["about"]


def test_seed_officials_and_critics(seed):
    rejected = claim_with(seed, "rejected these claims, labelling them as unfounded")
    maintain = claim_with(seed, "these laws are essential for safeguarding national security")
    for c in (rejected, maintain):  # Hong Kong, or its officials speaking for it
        assert HONG_KONG in (c["claimant"], c["behalf"])
    assert rejected["stance"] == TG.Disputes
    assert claim_with(seed, "recent security laws have hindered")["node"] in rejected["disputes"]
    persist = claim_with(seed, "systemic challenges persist")
    liberties = claim_with(seed, "has further restricted civil liberties")
    assert persist["claimant"] == liberties["claimant"]
    assert persist["claimant_name"] == "critics" and persist["verb"] == "argue"
    assert any(name(seed, x) == "Safeguarding National Security Ordinance"
               for x in liberties["about"])


def test_seed_security_laws_restrict_ngos(seed):
    restricted = {(name(seed, s), name(seed, o)) for s, o in seed.subject_objects(TG.restricts)}
    assert any("security laws" in law and group.lower() == "ngos" for law, group in restricted)


def test_seed_claims_are_valid_facts(seed):
    for c in claims(seed):
        assert (c["node"], URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
                TGID[f"article/{SEED_ID}"]) in seed
        assert c["stance"] in (TG.Asserts, TG.Disputes, TG.Supports, TG.RaisesConcern)
        assert c["text"].strip()
        assert (c["claimant"], RDF.type, None) in seed
        assert evidence(seed, c["node"], TG.claimant)
        if c["mode"] == TG.DirectQuotation:
            assert c["quote"]


# -- the text helpers ---------------------------------------------------------------------------
def test_quotations_pair_and_classify():
    text = ('She said: "A whole sentence." It was a "watch list" status. '
            '“Curly, and quoted,” he said.\nAn "unclosed quote at the end')
    quotes = find_quotes(text, 0, len(text))
    inner = [text[q.inner[0]:q.inner[1]] for q in quotes]
    assert inner == ["A whole sentence.", "watch list", "Curly, and quoted,",
                     "unclosed quote at the end"]
    assert [quote_is_full(text, q) for q in quotes] == [True, False, True, False]
    assert isinstance(quotes[0], Quote)


def test_tokens_keep_offsets_and_split_possessives():
    text = "The Home Office's 29-year-old deckhand said."
    toks = Tokens(text)
    assert [t.text for t in toks] == ["The", "Home", "Office", "'s", "29-year-old", "deckhand",
                                      "said", "."]
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert toks.index_at(text.index("deckhand")) == 5
    assert toks[4].is_age


# -- general patterns of attribution found on unseen articles ------------------------------------
def test_quote_attributed_with_title_and_listener(tmp_path):
    g = article(tmp_path, '"He built a business on men who could not say no," Assistant U.S. '
                          'Attorney Renata Oyelaran told the court. "He took their passports."')
    first = claim_with(g, "He built a business")
    second = claim_with(g, "He took their passports")
    assert first["claimant_name"] == second["claimant_name"] == "Renata Oyelaran"
    assert first["quote"] == "He built a business on men who could not say no"
    assert not any(c["text"] == "the court" for c in claims(g))


def test_reported_speech_without_that_after_a_listener(tmp_path):
    g = article(tmp_path, "One welder, identified in court only by his initials, J.R.M., told "
                          "jurors he slept in a converted shipping container. \"I came to build "
                          "refineries,\" he said through an interpreter.")
    told = claim_with(g, "slept in a converted shipping container")
    said = claim_with(g, "I came to build refineries")
    assert told["text"].startswith("he slept")
    assert told["claimant_name"] == said["claimant_name"] == "J.R.M."


def test_embedded_quotation_keeps_the_whole_clause(tmp_path):
    g = article(tmp_path, "Hollister's lawyer, Bradley Kincaid, said the case had been a wage "
                          "dispute that prosecutors \"dressed up as slavery.\"")
    c = claim_with(g, "the case had been a wage dispute")
    assert "dressed up as slavery" in c["text"] and c["quote"] == "dressed up as slavery"
    assert c["stance"] == TG.Disputes


def test_first_name_and_member_of_a_group(tmp_path):
    g = article(tmp_path, "Mirela Kovačević, director of the Danube Forum, said numbers rose.",
                "\"Every figure is a person who was found,\" Mirela said.",
                "One of the women in the case, now 24, said she wanted the booths to stay. "
                "\"For two years I did not see the street,\" she said.")
    assert claim_with(g, "Every figure")["claimant_name"] == "Mirela Kovačević"
    woman = claim_with(g, "For two years")
    assert woman["claimant_name"] == claim_with(g, "booths to stay")["claimant_name"] == \
        "24-year-old woman"


def test_parenthetical_attribution_and_two_that_clauses(tmp_path):
    g = article(tmp_path, "Recruitment agencies make a similar case: a family, they argue, is "
                          "not a factory.",
                "A Saudi official I spoke to last year, who would not be named, insisted that "
                "workers were \"protected by their own regulations\" and that the change would "
                "\"confuse two very different relationships\".")
    assert claim_with(g, "a family, they argue, is not a factory")
    first = claim_with(g, "protected by their own regulations")
    second = claim_with(g, "confuse two very different relationships")
    assert first["node"] != second["node"]
    assert first["quote"] == "protected by their own regulations"


def test_person_of_an_organisation_and_a_title_before_a_name(tmp_path):
    g = article(tmp_path, "Professor Omar Bensalem of the Institute for Gulf Labour Studies says "
                          "a law is only as strong as a worker's ability to walk out.",
                "In a report to the National Assembly, Minister of Public Security Luong Tam "
                "Quang said the 2011 law needed to be revised.")
    c = claim_with(g, "a law is only as strong")
    assert c["claimant_name"] == "Omar Bensalem" and c["stance"] == TG.RaisesConcern
    assert claim_with(g, "needed to be revised")["claimant_name"] == "Luong Tam Quang"


def test_stance_cues_of_concern_and_calls_for_action(tmp_path):
    g = article(tmp_path, "Campaigners said the territory should adopt the cap.",
                "Rights lawyers say the law leaves most forced labour out of reach.",
                "Officials said inspections had doubled.")
    assert claim_with(g, "should adopt")["stance"] == TG.Supports
    assert claim_with(g, "out of reach")["stance"] == TG.RaisesConcern
    assert claim_with(g, "inspections had doubled")["stance"] == TG.Asserts


def test_list_items_are_claims_of_the_source_that_introduces_them(tmp_path):
    path = tmp_path / "list_case.txt"
    path.write_text("Test Article On Attributed Claims\n\n"
                    "The Global Report on Trafficking in Persons 2024 was launched by UNODC.\n\n"
                    "Key findings of the report presented by UNODC at the briefing:\n\n"
                    "- Children accounted for 38 per cent of detected victims.\n"
                    "- Detections of girls rose by 38 per cent.\n\n"
                    "Officials said nothing.\n", encoding="utf-8")
    g = graph_of(path)
    first = claim_with(g, "Children accounted for 38 per cent")
    second = claim_with(g, "Detections of girls rose")
    assert first["claimant"] == second["claimant"] is not None
    assert first["mode"] == TG.ReportedSpeech


def test_passive_agent_coordinated_verb_and_split_quotation(tmp_path):
    g = article(tmp_path, "The new law extends support to people still being verified, a change "
                          "welcomed by Red River Homecoming, a charity in Hanoi.",
                "The Global Report on Trafficking in Persons 2024, released in December, "
                "covers 156 countries and notes that convictions remain rare.",
                "Lucía Ferrer, director of a workers' centre, spoke. \"You can outlaw the fee "
                "in Washington,\" she said, \"but the worker pays it in Monterrey.\"")
    welcomed = claim_with(g, "a change welcomed by Red River Homecoming")
    assert welcomed["stance"] == TG.Supports
    assert claim_with(g, "convictions remain rare")["claimant"] is not None
    first = claim_with(g, "You can outlaw the fee")
    assert first["stance"] == claim_with(g, "but the worker pays")["stance"] == TG.RaisesConcern


def test_quotation_after_reported_speech_continues_its_speaker(tmp_path):
    g = article(tmp_path, "\"Every figure is a person who was found,\" said Dr Mirela Kovačević, "
                          "a research officer. She stressed that detection data reflects effort. "
                          "\"When they fall to zero, I worry.\"")
    assert claim_with(g, "When they fall to zero")["claimant_name"] == "Mirela Kovačević"


def test_earlier_description_and_possessive_body(tmp_path):
    g = article(tmp_path, "Minh was 16 when a man from a neighbouring commune offered to take him "
                          "abroad. The debt would be paid back from wages in a nail bar, the man "
                          "said.",
                "\"We are glad,\" said Lim Wei Ling, executive director of Migrant Care Alliance "
                "Malaysia. Her organisation documented 214 cases of passport retention in 2024.")
    assert claim_with(g, "paid back from wages")["claimant_name"] == \
        "man from a neighbouring commune"
    assert claim_with(g, "214 cases of passport retention")["claimant_name"] == \
        "Migrant Care Alliance Malaysia"


def test_attribution_ending_the_sentence_owns_a_claim_inside_it(tmp_path):
    g = article(tmp_path, "Shelters are seeing the same shift that the United Nations Office on "
                          "Drugs and Crime documented in its report: more children, the Danube "
                          "Anti-Trafficking Forum said today at a briefing in Vienna.")
    c = claim_with(g, "Shelters are seeing the same shift")
    assert c["claimant_name"] == "Danube Anti-Trafficking Forum"
    assert "said today" not in c["text"]


# -- speakers with a place, first names, new reporting verbs ---------------------------------
def test_unnamed_private_person_keeps_the_place(tmp_path):
    g = article(tmp_path, "A kiln owner in Kasur, who agreed to speak only if he was not named, "
                          "denied that his workers were bonded.")
    c = claim_with(g, "his workers were bonded")
    assert name(g, c["claimant"]) == "kiln owner in Kasur"


def test_unnamed_official_keeps_the_possessed_body(tmp_path):
    g = article(tmp_path, "An official at Italy's Interior Ministry, who was not authorised to "
                          "speak publicly, denied that Italian funds reached detention centres.")
    c = claim_with(g, "Italian funds reached detention centres")
    assert name(g, c["claimant"]) == "official at Italy's Interior Ministry"


def test_first_name_only_person_with_an_age(tmp_path):
    g = article(tmp_path, "Kamal, 31, who asked to be identified only by his first name, has "
                          "picked here for four seasons.",
                '"They pay us when the season ends," he said.',
                "Kamal says he will stay until the last crate is packed in June.")
    c = claim_with(g, "They pay us when the season ends")
    assert name(g, c["claimant"]) == "Kamal"
    c = claim_with(g, "he will stay until the last crate")
    assert name(g, c["claimant"]) == "Kamal"


def test_blame_and_fault_report_claims(tmp_path):
    g = article(tmp_path, "Dimitris Kalogeropoulos, a spokesperson for the association, said "
                          "the survey was unfair. He blamed any abuses on a shortage of legal "
                          "seasonal workers.")
    c = claim_with(g, "blamed any abuses on a shortage")
    assert name(g, c["claimant"]) == "Dimitris Kalogeropoulos"
