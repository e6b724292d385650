"""Typed literals in the one form every store keeps.

Stores that index values (Oxigraph among them) keep a number, not the characters it was written
with: ``"1.00"^^xsd:decimal`` comes back as ``"1"``, ``"0"^^xsd:nonNegativeInteger`` as
``"0"^^xsd:integer``. So that a graph reads back from any store exactly as it was written, and
a saved query gives the same rows everywhere, tipgraph writes numbers in their canonical XSD
form: decimals without trailing zeros (nor a decimal point when whole), counts and offsets as
``xsd:integer`` (the shapes say where they must not be negative). The words an article wrote a
number with stay in the annotation's ``oa:exact`` text.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

__all__ = ["decimal_literal", "integer_literal", "canonical_decimal"]


def canonical_decimal(value) -> str:
    """The canonical lexical form of an xsd:decimal: ``1.50`` -> ``1.5``, ``2.00`` -> ``2``,
    ``-0.0`` -> ``0``."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a decimal number: {value!r}")
    if number == number.to_integral_value():
        return str(int(number))
    text = format(number, "f").rstrip("0")
    return "0" + text if text.startswith(".") else text.replace("-.", "-0.")


def decimal_literal(value) -> Literal:
    """``value`` (a number or its text) as an xsd:decimal literal in canonical form."""
    return Literal(canonical_decimal(value), datatype=XSD.decimal)


def integer_literal(value: int) -> Literal:
    """``value`` as an xsd:integer literal."""
    return Literal(str(int(value)), datatype=XSD.integer)
