#!/usr/bin/env bash
# Placeholder: filled by the issue that brings this stage.
echo "fuzz/run.sh: nothing here yet"
