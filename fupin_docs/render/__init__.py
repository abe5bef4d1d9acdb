"""Render engines: the Jinja environment, compiled Word and text templates, workbooks, print
files and the zip writer. They turn template data into bytes and write nothing."""
