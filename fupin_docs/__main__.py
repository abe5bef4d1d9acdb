"""Allow ``python -m fupin_docs``."""

from fupin_docs.cli import main

if __name__ == "__main__":
    main()
