# Writes the R reference fixtures for time-dependent covariates, used by tests/test_r_parity_td.py.
#
#   Rscript r/make_fixtures_td.R [OUTDIR]     (default: tests/fixtures/timedep, relative to the repo root)
#
# For each data set: OUTDIR/<name>.data.csv (one row per patient, generated here deterministically) and
# OUTDIR/<name>.reference.csv (R survival's numbers, see r/reference_td.R). Re-running gives the same files.
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
outdir <- if (length(args) >= 1) args[1] else file.path(dirname(script_dir), "tests", "fixtures", "timedep")
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
source(file.path(script_dir, "reference_td.R"))
RNGversion("4.0.0")  # fix the sampler so that other R 4.x versions draw the same data

# A treatment that starts during follow-up (or never), with a true effect `effect` on the log hazard from
# the day it starts; some patients enter late; times rounded to `digits` (ties). The last rows put switch
# times on the boundaries: at 0, at entry, at the end of follow-up, after it.
simulate_td <- function(seed, n, digits, effect, p_entry = 0) {
  set.seed(seed)
  x <- rbinom(n, 1, 0.4)
  z <- round(rnorm(n), 2)
  rate <- 0.04 * exp(0.5 * x + 0.3 * z)
  switch <- ifelse(runif(n) < 0.6, rexp(n, 1 / 4), NA)
  t_before <- rexp(n, rate)  # death time if untreated throughout
  # piecewise exponential: after the switch the hazard is multiplied by exp(effect)
  after <- !is.na(switch) & t_before > switch
  t <- t_before
  t[after] <- switch[after] + (t_before[after] - switch[after]) / exp(effect)
  cens <- runif(n, 5, 80)
  entry <- ifelse(runif(n) < p_entry, round(runif(n, 0, 3), digits), 0)
  time <- pmax(round(pmin(t, cens), digits), entry + 10^-digits)
  death <- as.integer(t <= cens)
  switch <- round(switch, digits)
  k <- n - 3:0  # boundary cases
  switch[k] <- c(0, entry[k[2]], time[k[3]], time[k[4]] + 1)
  data.frame(id = seq_len(n), time, death, switch, entry, x, z)
}

datasets <- list(
  td61 = simulate_td(61, 61, 1, -0.5),
  td37 = simulate_td(37, 37, 0, 0.4, p_entry = 0.3),
  td150 = simulate_td(150, 150, 0, 0.0, p_entry = 0.2)
)
for (nm in names(datasets)) {
  write.csv(datasets[[nm]], file.path(outdir, paste0(nm, ".data.csv")), row.names = FALSE, na = "")
  d <- read.csv(file.path(outdir, paste0(nm, ".data.csv")))  # exactly what Python will read
  write_reference(reference_td(d), file.path(outdir, paste0(nm, ".reference.csv")))
}
cat("wrote", length(datasets), "time-dependent data sets to", outdir, "\n")
