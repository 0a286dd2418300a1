"""`whalewatch serve`: the live preview."""

from __future__ import annotations

import logging

import click

from ..cli import Context, cli, err, pass_ctx
from ..errors import display_path

@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; the default keeps the preview on this machine.")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Preview every week in every format at http://127.0.0.1:8000, rebuilt and reloaded on every save."""
    from ..serve import serve as run_preview

    ctx.edition   # a broken feeds.yaml is reported here first; later breakage is shown in the page
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    run_preview(ctx.config_path, host, port,
                on_ready=lambda url: err.print(f"Previewing {display_path(ctx.config_path)} at [bold]{url}[/bold] (Ctrl-C to stop)"))
