"""`python -m fairdepot` runs the command-line interface."""

from fairdepot.cli import main

main()
