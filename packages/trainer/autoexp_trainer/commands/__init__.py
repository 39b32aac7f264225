"""One module per command, each exposing main(argv: list[str]) -> int."""
