"""The fresh interpreter a threaded process hands a large week to: `python -m whalewatch.select.worker`
reads one pickled piece of work on stdin and writes its pickled result on stdout (see
``parallel.in_a_child``). A module of its own, which nothing imports, so that running it as the main
module does not load it twice."""

from whalewatch.select.parallel import serve_one

if __name__ == "__main__":
    serve_one()
