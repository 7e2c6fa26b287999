# Convenience targets; the README's two Quick-start commands are scripts/demo.sh and scripts/test.sh.
PROFILE ?= default
QGIS_PLUGINS ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/$(PROFILE)/python/plugins
PLUGIN_NAME = palsar2_scansar

.PHONY: setup demo test install uninstall zip translations translations-update bench

setup:
	scripts/setup.sh

demo:
	scripts/demo.sh

test:
	scripts/test.sh

# Link this checkout into the QGIS profile (restart QGIS, then enable "PALSAR-2 ScanSAR").
install: setup
	mkdir -p "$(QGIS_PLUGINS)"
	ln -sfn "$(CURDIR)" "$(QGIS_PLUGINS)/$(PLUGIN_NAME)"
	@echo "Linked $(QGIS_PLUGINS)/$(PLUGIN_NAME) -> $(CURDIR)"

uninstall:
	rm -f "$(QGIS_PLUGINS)/$(PLUGIN_NAME)"

# The zip for the QGIS plugin repository (dist/palsar2_scansar-<version>.zip).
zip: setup
	/usr/bin/python3 scripts/package.py

translations: setup

# Refresh i18n/palsar2_ja.ts from the tr() calls (keeps existing translations; new ones are "unfinished").
translations-update:
	/usr/bin/python3 scripts/update_translations.py ja
