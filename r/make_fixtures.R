# Writes the R reference fixtures used by tests/test_r_parity.py.
#
#   Rscript r/make_fixtures.R [OUTDIR]        (default: tests/fixtures, relative to the repo root)
#
# For each data set: OUTDIR/<name>.data.csv (the data, generated here deterministically) and
# OUTDIR/<name>.reference.csv (R survival's numbers, see r/reference.R). Re-running gives the same files.
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
outdir <- if (length(args) >= 1) args[1] else file.path(dirname(script_dir), "tests", "fixtures")
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
source(file.path(script_dir, "reference.R"))
RNGversion("4.0.0")  # fix the sampler so that other R 4.x versions draw the same data

simulate <- function(seed, n, digits, censor_max, p_na = 0, proxy = FALSE) {
  set.seed(seed)
  x1 <- rbinom(n, 1, 0.4); x2 <- rbinom(n, 1, 0.5); x3 <- rbinom(n, 1, 0.3); x4 <- rbinom(n, 1, 0.5)
  x5 <- round(rnorm(n), 1)
  lp <- 0.9 * x1 + 0.6 * x2 + 0.4 * x3 + 0.0 * x4 + 0.3 * x5
  if (proxy) {  # x1 is a noisy "x2 or x3": it may enter first and leave once x2 and x3 are in
    x1 <- ifelse(runif(n) < 0.15, 1 - pmax(x2, x3), pmax(x2, x3))
    lp <- 0.9 * x2 + 0.9 * x3 + 0.3 * x5
  }
  t <- rexp(n, 0.03 * exp(lp))
  cens <- runif(n, 0, censor_max)
  time <- pmax(round(pmin(t, cens), digits), 10^-digits)  # rounding makes tied times
  status <- as.integer(t <= cens)
  g2 <- ifelse(x1 == 1, "b", "a")
  g4 <- sample(c("a", "b", "c", "d"), n, replace = TRUE)
  g4[sample(n, 3)] <- NA  # dropped by survdiff, as by helpers.survival.logrank
  if (p_na > 0) x5[sample(n, round(p_na * n))] <- NA  # complete cases for Cox and selection
  data.frame(time, status, x1, x2, x3, x4, x5, g2, g4)
}

datasets <- list(
  paper61 = simulate(61, 61, 1, 160),      # the paper's cohort size, times to 0.1 month
  small24 = simulate(24, 24, 0, 120),      # a Table 4 sized subset, whole-month ties
  mid37 = simulate(37, 37, 0, 100, 0.1),   # Table 5 size, ties and missing covariate values
  big150 = simulate(150, 150, 0, 60)       # many ties, heavy censoring
)
# A data set on which FSTEP(COND) removes a covariate again: the first seed (from 1) that does so.
for (seed in 1:500) {
  d <- simulate(seed, 80, 1, 150, proxy = TRUE)
  if (any(forward_conditional(d, COVS, "breslow")$steps$action == "remove")) break
}
datasets$removal80 <- d

# Hand-made Kaplan-Meier edge cases (KM, follow-up and log-rank only: too small for Cox)
edge <- function(time, status) {
  n <- length(time)
  data.frame(time, status, x1 = rep(0:1, length.out = n), x2 = rep(c(0, 0, 1), length.out = n),
             x3 = rep(c(1, 0, 0, 0), length.out = n), x4 = rep(c(0, 1, 1), length.out = n),
             x5 = round(seq(-1, 1, length.out = n), 1), g2 = rep(c("a", "b"), length.out = n),
             g4 = rep(c("a", "b", "c", "d"), length.out = n))
}
# S = 1/2 exactly from t = 5 until the next event at 8: median 6.5 (R's midpoint rule)
datasets$midpoint <- edge(c(1, 2, 3, 4, 5, 8, 9, 10, 11, 12), c(1, 1, 1, 1, 1, 1, 0, 0, 1, 0))
# S = 9/10 * 7/9 * 5/7 = 1/2, which is 0.5000000000000001 in floating point: the midpoint (3 + 6) / 2 = 4.5
# needs R's tolerance (a float comparison S <= 0.5 gives 6)
datasets$tolerance <- edge(c(1, 2, 2, 3, 3, 5, 6, 7, 8, 9), c(1, 1, 1, 1, 1, 0, 1, 0, 1, 0))
# S = 1/2 from t = 4 to the end of follow-up: print.survfit says 4, quantile.survfit (4 + 8) / 2 = 6
datasets$halfend <- edge(c(1, 2, 3, 4, 5, 6, 7, 8), c(1, 1, 1, 1, 0, 0, 0, 0))
# S stays above 1/2: median not reached
datasets$notreached <- edge(c(2, 3, 5, 7, 8, 10, 11, 13, 15, 17, 18, 20, 22, 24),
                            c(1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0))

edge_cases <- c("midpoint", "tolerance", "halfend", "notreached")
for (nm in names(datasets)) {
  d <- datasets[[nm]]
  write.csv(d, file.path(outdir, paste0(nm, ".data.csv")), row.names = FALSE, na = "")
  d <- read.csv(file.path(outdir, paste0(nm, ".data.csv")))  # exactly what Python will read
  write_reference(reference(d, full = !(nm %in% edge_cases)), file.path(outdir, paste0(nm, ".reference.csv")))
}


# Exact (Clopper-Pearson) binomial CIs, as binom.test, for helpers.responses
grid <- do.call(rbind, lapply(c(1, 2, 5, 9, 14, 18, 22, 24, 30, 61), function(n) data.frame(k = 0:n, n = n)))
ci <- t(mapply(function(k, n) binom.test(k, n)$conf.int, grid$k, grid$n))
binom <- data.frame(k = grid$k, n = grid$n, estimate = sprintf("%.17g", grid$k / grid$n),
                    lower = sprintf("%.17g", ci[, 1]), upper = sprintf("%.17g", ci[, 2]))
write.csv(binom, file.path(outdir, "binom.reference.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", length(datasets), "data sets and binom.reference.csv to", outdir, "\n")
