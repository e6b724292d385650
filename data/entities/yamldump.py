"""The YAML layout of the generated entity files, shared by make_states.py and
make_currencies.py: entities as block mappings, lists of plain strings and small flag mappings on
one line."""

import yaml


class _Dumper(yaml.SafeDumper):
    """Entities as block mappings; lists of plain strings and small flag mappings on one line."""


def _repr_dict(dumper, data):
    flow = len(data) <= 2 and ("default" in data or "ambiguous" in data)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _repr_list(dumper, data):
    flow = all(isinstance(x, (str, int, float)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _repr_dict)
_Dumper.add_representer(list, _repr_list)


def dump(items: list[dict]) -> str:
    return yaml.dump(items, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)


def write(path, header: str, items: list[dict], what: str) -> None:
    """Write ``header`` (with ``{version}`` filled by the pycountry version) and the items."""
    from importlib.metadata import version

    path.write_text(header.format(version=f"pycountry {version('pycountry')}") + dump(items),
                    encoding="utf-8")
    print(f"wrote {path} ({len(items)} {what})")
