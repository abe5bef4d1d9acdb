"""Allow ``python -m fupin_docs``."""

from fupin_docs.cli import run

if __name__ == "__main__":
    run()
