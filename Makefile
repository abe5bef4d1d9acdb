# fupin-docs — 常用命令 / common tasks.  `make help` lists them.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
EXAMPLE := data_examples/扯乐完小
COUNTY  := data_examples/清溪县

.PHONY: help venv demo test bench clean templates system-deps

help:  ## 显示帮助 / show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-12s %s\n",$$1,$$2}'

$(BIN)/fupin-docs: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

venv: $(BIN)/fupin-docs  ## 建立 .venv 并安装 / create .venv and install

demo: venv  ## 生成示例学校（扯乐完小）的全部文件到 build/ / build the bundled example into build/
	$(BIN)/fupin-docs check $(EXAMPLE) || true
	$(BIN)/fupin-docs build $(EXAMPLE) -o build
	$(BIN)/fupin-docs build $(COUNTY) -o build-county
	@echo ""
	@echo "示例学校的全部文件在 build/ 里，示例县（清溪县，三所学校）的在 build-county/ 里，用 Word 或 WPS 打开即可。"
	@echo "要 PDF：先运行 sudo make system-deps（LibreOffice 和字体），再运行"
	@echo "  $(BIN)/fupin-docs build $(EXAMPLE) -o build --pdf"
	@echo "The files are in build/. For PDFs: sudo make system-deps, then the same build with --pdf."

test: venv  ## 代码检查（ruff、mypy）并运行全部测试 / lint, type-check and run the test suite
	$(BIN)/ruff check fupin_docs tests tools bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: venv  ## 速度对比（生成政策告知单 vs docxtpl 循环） / benchmarks
	$(BIN)/python bench/bench_notices.py --n 1000

templates: venv  ## 由生成脚本重建内置 Word 模板 / regenerate the built-in Word templates
	$(BIN)/python tools/make_templates.py
	for d in data_examples/packs/*/templates; do $(BIN)/python tools/make_templates.py "$$d"; done

system-deps:  ## 安装 PDF 所需的 LibreOffice 与字体（Debian/Ubuntu，需 root） / LibreOffice + fonts
	bash .ci/system-deps.sh

clean:  ## 删除生成的文件 / remove generated files
	rm -rf build build-county dist *.egg-info .pytest_cache
