# One task runner. `make help` lists the targets.
.PHONY: help demo test unit lint typecheck broker-start broker-stop bench

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

demo:  ## run the pipeline on the demo articles of examples/articles (FOLDER=... for your own; starts the broker and workers)
	scripts/demo $(FOLDER)

test:  ## the whole test suite: unit and broker tests (installs and starts what it needs)
	scripts/test

unit:  ## fast unit tests only: no broker is started, none is needed
	scripts/bootstrap && .venv/bin/pytest -m "not broker"

lint:  ## ruff
	scripts/bootstrap && .venv/bin/ruff check services tests bench

typecheck:  ## mypy --strict on the package
	scripts/bootstrap && .venv/bin/mypy

broker-start:  ## start the local Kafka broker
	scripts/kafka-local start

broker-stop:  ## stop the local Kafka broker
	scripts/kafka-local stop
