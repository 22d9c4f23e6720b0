"""sphinx-gallery image scraper for figures that the examples save to files."""

import shutil
import sys
from pathlib import Path


def _open_pyplot_figures():
    """Whether the example left figures open in pyplot."""
    plt = sys.modules.get("matplotlib.pyplot")
    return plt is not None and bool(plt.get_fignums())


class FilesWrittenScraper:
    """Show the PNG files an example wrote (``fig.savefig(path)``) as its figures.

    The examples draw on matplotlib ``Figure`` objects and save them to a
    file rather than keeping pyplot figures open. sphinx-gallery runs each
    example in its own folder, so the PNG files that appear there while a
    code block runs are moved into the gallery's image folder and shown
    (and the source folder stays clean).
    """

    def __repr__(self):  # stable, so sphinx-gallery's configuration cache works
        return "FilesWrittenScraper"

    def __call__(self, block, block_vars, gallery_conf):
        from sphinx_gallery.scrapers import figure_rst

        src_dir = Path(block_vars["src_file"]).parent
        written = sorted(src_dir.glob("*.png"))
        if _open_pyplot_figures():
            # the example also left its figure open in pyplot, where the
            # matplotlib scraper (run after this one) finds it: no duplicate
            for png in written:
                png.unlink()
            return ""
        targets = []
        for png, target in zip(written, block_vars["image_path_iterator"], strict=False):
            shutil.move(png, target)
            targets.append(target)
        return figure_rst(targets, gallery_conf["src_dir"])
