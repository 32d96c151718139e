# Writes the R reference fixtures of tests/test_r_parity_methods.py: for each data set of tests/fixtures
# (written by r/make_fixtures.R), OUTDIR/<name>.reference.csv with reference_methods(); and worked_cox.reference.csv.
#
#   Rscript r/make_fixtures_methods.R [OUTDIR]        (default: tests/fixtures/methods)
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
fixtures <- file.path(dirname(script_dir), "tests", "fixtures")
outdir <- if (length(args) >= 1) args[1] else file.path(fixtures, "methods")
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
source(file.path(script_dir, "reference_methods.R"))
for (nm in c("paper61", "small24", "mid37", "big150")) {
  d <- read.csv(file.path(fixtures, paste0(nm, ".data.csv")))
  write_reference(reference_methods(d), file.path(outdir, paste0(nm, ".reference.csv")))
}
write_reference(reference_worked_cox(), file.path(outdir, "worked_cox.reference.csv"))
