# R survival reference numbers for time-dependent covariates (helpers.timedep), for one data set.
#
#   Rscript r/reference_td.R IN.csv OUT.csv    (called by tests/test_r_parity_td.py on fresh random data)
#   source("r/reference_td.R"); reference_td(d) (used by r/make_fixtures_td.R)
#
# IN.csv: one row per patient: id, time, death (0/1), switch (time a 0/1 covariate switches on; NA = never),
# entry (delayed entry time, 0 = from the start), x (0/1), z (numeric).
# OUT.csv columns: what, name, value (value printed with 17 significant digits).
#
# The counting-process rows are built with tmerge (event + tdc), independently of the Python splitting,
# and fitted with coxph(Surv(tstart, tstop, event) ~ ...) with Breslow and Efron ties; the landmark
# analysis is coxph on the patients still at risk at the landmark, the clock restarted there.
suppressPackageStartupMessages(library(survival))
local({  # put_coxph() and write_reference() come from r/reference.R, beside this script (or the one sourcing it)
  here <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  source(file.path(dirname(normalizePath(here)), "reference.R"))
})

LANDMARK_QUANTILE <- 0.25  # the landmark: this quantile of the follow-up times

counting <- function(d, entry = TRUE) {
  base <- d[, c("id", "x", "z")]
  cp <- if (entry) tmerge(base, d, id = id, event = event(time, death), tstart = entry, tstop = time)
        else tmerge(base, d, id = id, event = event(time, death))
  cp <- tmerge(cp, d, id = id, treated = tdc(switch))
  cp$treated[is.na(cp$treated)] <- 0L  # tdc: 0 before the switch (NA when there is none at all)
  cp
}

reference_td <- function(d) {
  rows <- list()
  put <- function(what, name, value) {
    rows[[length(rows) + 1]] <<- data.frame(what = what, name = as.character(name), value = as.numeric(value))
  }
  d$death <- as.integer(d$death)
  for (form in c("entry", "noentry")) {
    cp <- counting(d, entry = form == "entry")
    k <- seq_len(nrow(cp))
    put(paste0("split:", form, ":id"), k, cp$id)
    put(paste0("split:", form, ":start"), k, cp$tstart)
    put(paste0("split:", form, ":stop"), k, cp$tstop)
    put(paste0("split:", form, ":event"), k, cp$event)
    put(paste0("split:", form, ":treated"), k, cp$treated)
    models <- list(full = c("treated", "x", "z"), treated = "treated")
    for (ties in c("breslow", "efron")) for (m in names(models)) {
      f <- as.formula(paste("Surv(tstart, tstop, event) ~", paste(models[[m]], collapse = " + ")))
      put_coxph(put, paste("cox", form, ties, m, sep = ":"), coxph(f, data = cp, ties = ties))
    }
  }
  # landmark analysis (entry ignored): still at risk after L, clock restarted, switch by L fixed
  L <- unname(quantile(d$time, LANDMARK_QUANTILE))
  lm <- d[d$time > L, ]
  lm$time <- lm$time - L
  lm$by_landmark <- as.integer(!is.na(lm$switch) & lm$switch <= L)
  put("landmark", c("at", "n"), c(L, nrow(lm)))
  for (ties in c("breslow", "efron")) {
    fit <- coxph(Surv(time, death) ~ by_landmark + x, data = lm, ties = ties)
    cf <- summary(fit)$coefficients
    put(paste0("landmark:", ties, ":coef"), rownames(cf), cf[, "coef"])
    put(paste0("landmark:", ties, ":se"), rownames(cf), cf[, "se(coef)"])
  }
  do.call(rbind, rows)
}

if (!interactive() && sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) == 2) write_reference(reference_td(read.csv(args[1])), args[2])
}
