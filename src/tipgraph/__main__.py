"""``python -m tipgraph`` runs the command line."""

from .cli import main

main()
