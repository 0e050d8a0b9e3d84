#!/usr/bin/env bash
set -e
mkdir -p "$1"
