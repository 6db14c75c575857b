"""`python -m datawalk`: run the command line (see `datawalk.cli`)."""

from datawalk.cli import main

if __name__ == "__main__":
    main(prog_name="python -m datawalk")
