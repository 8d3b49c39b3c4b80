"""`python -m speechld`: the command line."""

from speechld.cli import main

main()
