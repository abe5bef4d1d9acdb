"""The kinds that come with fupin-docs; importing a module registers its kind."""

# isort: skip_file
# The import order is the order of the registry, which is the order a build lists them.
from fupin_docs.documents import report  # noqa: F401
from fupin_docs.documents import letter  # noqa: F401
from fupin_docs.documents import notice  # noqa: F401
from fupin_docs.documents import card  # noqa: F401
from fupin_docs.documents import duty  # noqa: F401
from fupin_docs.documents import public  # noqa: F401
from fupin_docs.documents import ledger  # noqa: F401
