# Reference values from R's survival package for the methods the teaching pages add, as a long table.
#
#   Rscript r/reference_methods.R IN.csv OUT.csv      (used by tests/test_r_parity_methods.py on random data)
#   source("r/reference_methods.R"); reference_methods(d)     (used by r/make_fixtures_methods.R)
#
# IN.csv columns: time, status (0/1), x1..x5 (numeric covariates, NA allowed), g2 (two groups).
# A competing-risks cause is derived here and in Python by one rule: cause = status * (1 + x2) (1 or 2; 0 censored).
# OUT.csv columns: what, name, value (value printed with 17 significant digits).
suppressPackageStartupMessages(library(survival))
args_all <- commandArgs(FALSE)
this_file <- sub("^--file=", "", grep("^--file=", args_all, value = TRUE))
ref_dir <- if (length(this_file)) dirname(normalizePath(this_file)) else "r"
source(file.path(ref_dir, "reference.R"))  # write_reference()

DFBETA_COVS <- c("x1", "x2", "x5")

reference_methods <- function(d) {
  rows <- list()
  put <- function(what, name, value) {
    rows[[length(rows) + 1]] <<- data.frame(what = what, name = as.character(name), value = as.numeric(value))
  }
  d$status <- as.integer(d$status)
  # Nelson-Aalen: survfit's ctype = 1 cumulative hazard and its standard error
  fit <- survfit(Surv(time, status) ~ 1, data = d, ctype = 1)
  k <- seq_along(fit$time)
  put("na:time", k, fit$time)
  put("na:n.risk", k, fit$n.risk)
  put("na:cumhaz", k, fit$cumhaz)
  put("na:std.chaz", k, fit$std.chaz)
  # log(-log S) at the death times where 0 < S < 1 (what plot(fit, fun = "cloglog") draws)
  keep <- fit$n.event > 0 & fit$surv > 0 & fit$surv < 1
  put("cloglog:time", seq_len(sum(keep)), fit$time[keep])
  put("cloglog:value", seq_len(sum(keep)), log(-log(fit$surv[keep])))
  # restricted mean at three horizons: within follow-up, the last time, beyond it
  for (tau in c(median(d$time), max(d$time), 1.25 * max(d$time))) {
    tb <- summary(fit, rmean = tau)$table
    put("rmean", sprintf("%.6g", tau), tb["rmean"])
    put("se(rmean)", sprintf("%.6g", tau), tb["se(rmean)"])
  }
  # restricted mean by group, at the shorter group's last time
  tau <- min(tapply(d$time, d$g2, max))
  tb <- summary(survfit(Surv(time, status) ~ g2, data = d), rmean = tau)$table
  put("rmean:g2", sub("g2=", "", rownames(tb)), tb[, "rmean"])
  put("se(rmean):g2", sub("g2=", "", rownames(tb)), tb[, "se(rmean)"])
  # competing risks: Aalen-Johansen with two causes
  cause <- d$status * (1 + ifelse(is.na(d$x2), 0, d$x2))
  aj <- survfit(Surv(d$time, factor(cause, 0:2)) ~ 1)
  k <- seq_along(aj$time)
  put("aj:time", k, aj$time)
  for (j in 1:3) {
    put(paste0("aj:pstate:", j), k, aj$pstate[, j])
    put(paste0("aj:std.err:", j), k, aj$std.err[, j])
  }
  # dfbeta of a Breslow Cox model (complete cases)
  cc <- d[complete.cases(d[, c("time", "status", DFBETA_COVS)]), ]
  cfit <- coxph(Surv(time, status) ~ x1 + x2 + x5, data = cc, ties = "breslow")
  for (type in c("dfbeta", "dfbetas", "score")) {
    r <- residuals(cfit, type = type)
    for (j in seq_along(DFBETA_COVS)) put(paste0(type, ":", DFBETA_COVS[j]), seq_len(nrow(r)), r[, j])
  }
  do.call(rbind, rows)
}

# The four-patient Cox model of the worked partial likelihood: coefficient after each Newton step, and the
# log partial likelihood at 0 and at the estimate (coxph with iter.max = k stops after k steps).
reference_worked_cox <- function() {
  d <- data.frame(time = c(2, 4, 5, 7), status = c(1, 1, 0, 1), x = c(1, 0, 1, 0))
  rows <- list()
  for (k in 1:4) {
    f <- suppressWarnings(coxph(Surv(time, status) ~ x, data = d, ties = "breslow", iter.max = k))
    rows[[k]] <- data.frame(what = "worked:coef", name = as.character(k), value = unname(coef(f)))
  }
  f <- coxph(Surv(time, status) ~ x, data = d, ties = "breslow")
  rows[[5]] <- data.frame(what = "worked:loglik", name = c("null", "final"), value = f$loglik)
  rows[[6]] <- data.frame(what = "worked:fit", name = c("coef", "se"), value = c(unname(coef(f)), sqrt(f$var[1, 1])))
  do.call(rbind, rows)
}

if (!interactive() && sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) == 2) {
    d <- read.csv(args[1])
    write_reference(reference_methods(d), args[2])
  }
}
