"""Output: the build, the parallel batch, staging (the only writer), file names and PDF."""
