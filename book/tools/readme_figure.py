"""Write the README's picture: Figure 1d (overall survival with and without curative metastasectomy),
redrawn by ``helpers.plots.km_plot`` from the cohort file (``$COHORT`` or the synthetic data/cohort.csv).

    python book/tools/readme_figure.py docs/figure1d.png      # = make figure

Same cohort, same bytes: the PNG carries no date or version metadata.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import data, paths, plots


def main(out: str = "docs/figure1d.png") -> Path:
    cohort = data.load_cohort()
    source = "synthetic cohort" if data.is_synthetic_default(paths.cohort_path()) else paths.cohort_path().name
    fig = plots.km_plot(
        cohort,
        "metastasectomy_curative",
        title=f"Figure 1d, reproduced ({source})",
        labels={"yes": "Metastasectomy", "no": "No metastasectomy"},
    )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    plots.save_figure(fig, path)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(*sys.argv[1:2])
