"""The secondary commands: templates list/export/check, preview, doctor, init."""
