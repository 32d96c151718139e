# Reference values from R's survival package for one data set, as a long table.
#
#   Rscript r/reference.R IN.csv OUT.csv      (used by tests/test_r_parity.py on random data)
#   source("r/reference.R"); reference(d)     (used by r/make_fixtures.R)
#
# IN.csv columns: time, status (0/1), x1..x5 (numeric covariates, NA allowed), g2, g4 (groups, NA allowed).
# OUT.csv columns: what, name, value  (value printed with 17 significant digits).
# The two selection procedures are implemented here on top of coxph, independently of the Python code,
# from the same documented rules (see src/helpers/survival/selection.py).
suppressPackageStartupMessages(library(survival))

COVS <- c("x1", "x2", "x3", "x4", "x5")

fml <- function(vars) {
  as.formula(paste("Surv(time, status) ~", if (length(vars)) paste(vars, collapse = " + ") else "1"))
}

# SPSS COXREG FSTEP(COND): enter on the score test at the current estimates, remove on the likelihood
# ratio with Lawless-Singhal conditional estimates of the reduced model. Complete cases on all candidates.
forward_conditional <- function(d, cands, ties, p_enter = 0.05, p_remove = 0.10) {
  d <- d[complete.cases(d[, c("time", "status", cands)]), ]
  inm <- character(0)
  b <- numeric(0)
  steps <- data.frame(action = character(0), covariate = character(0), statistic = numeric(0), p = numeric(0))
  key <- function(v) paste(sort(v), collapse = ",")
  seen <- key(character(0))
  repeat {
    out <- setdiff(cands, inm)
    if (!length(out)) break
    sc <- sapply(out, function(v) {
      f <- suppressWarnings(coxph(fml(c(inm, v)), data = d, ties = ties, init = c(b, 0), iter.max = 0))
      f$score
    })
    pv <- pchisq(sc, 1, lower.tail = FALSE)
    j <- which.min(pv)
    if (!(pv[j] < p_enter)) break
    if (key(c(inm, out[j])) %in% seen) break
    inm <- c(inm, out[j])
    seen <- c(seen, key(inm))
    steps[nrow(steps) + 1, ] <- list("enter", out[j], sc[j], pv[j])
    fit <- coxph(fml(inm), data = d, ties = ties)
    repeat {
      if (!length(inm)) break
      b <- coef(fit); V <- vcov(fit); ll <- fit$loglik[2]
      st <- sapply(seq_along(inm), function(i) {
        if (length(inm) == 1) return(2 * (ll - fit$loglik[1]))
        br <- b[-i] - V[-i, i] * b[i] / V[i, i]
        f0 <- suppressWarnings(coxph(fml(inm[-i]), data = d, ties = ties, init = br, iter.max = 0))
        2 * (ll - f0$loglik[2])
      })
      pr <- pchisq(st, 1, lower.tail = FALSE)
      i <- which.max(pr)
      if (!(pr[i] > p_remove)) break
      rest <- inm[-i]
      if (length(rest) && key(rest) %in% seen) break
      steps[nrow(steps) + 1, ] <- list("remove", inm[i], st[i], pr[i])
      inm <- rest
      seen <- c(seen, key(inm))
      if (length(inm)) fit <- coxph(fml(inm), data = d, ties = ties)
    }
    b <- if (length(inm)) coef(fit) else numeric(0)
  }
  list(selected = inm, steps = steps)
}

# EZR's backward elimination: drop the largest Wald p while it is >= p_remove.
backward_wald <- function(d, cands, ties, p_remove = 0.05) {
  d <- d[complete.cases(d[, c("time", "status", cands)]), ]
  inm <- cands
  steps <- data.frame(action = character(0), covariate = character(0), statistic = numeric(0), p = numeric(0))
  while (length(inm)) {
    fit <- coxph(fml(inm), data = d, ties = ties)
    cf <- summary(fit)$coefficients
    i <- which.max(cf[, "Pr(>|z|)"])
    if (!(cf[i, "Pr(>|z|)"] >= p_remove)) break
    steps[nrow(steps) + 1, ] <- list("remove", inm[i], cf[i, "z"]^2, cf[i, "Pr(>|z|)"])
    inm <- inm[-i]
  }
  list(selected = inm, steps = steps)
}

# What summary(coxph) prints, one put() per quantity: coefficients, SEs, HRs, CI limits, z, Wald p, the two
# log-likelihoods, the LR, score and Wald tests, n and events. Shared with r/reference_td.R.
put_coxph <- function(put, pre, fit) {
  sm <- summary(fit)
  cf <- sm$coefficients
  ci <- sm$conf.int
  put(paste0(pre, ":coef"), rownames(cf), cf[, "coef"])
  put(paste0(pre, ":se"), rownames(cf), cf[, "se(coef)"])
  put(paste0(pre, ":hr"), rownames(cf), cf[, "exp(coef)"])
  put(paste0(pre, ":ci_low"), rownames(ci), ci[, "lower .95"])
  put(paste0(pre, ":ci_high"), rownames(ci), ci[, "upper .95"])
  put(paste0(pre, ":z"), rownames(cf), cf[, "z"])
  put(paste0(pre, ":p"), rownames(cf), cf[, "Pr(>|z|)"])
  put(paste0(pre, ":loglik"), c("null", "final"), fit$loglik)
  k <- length(coef(fit))
  test <- function(x) c(x, k, pchisq(x, k, lower.tail = FALSE))
  put(paste0(pre, ":lr"), c("statistic", "df", "p"), test(2 * diff(fit$loglik)))
  put(paste0(pre, ":score"), c("statistic", "df", "p"), test(fit$score))
  put(paste0(pre, ":wald"), c("statistic", "df", "p"), test(fit$wald.test))  # summary() rounds it
  put(paste0(pre, ":n"), c("n", "events"), c(fit$n, fit$nevent))
}

reference <- function(d, full = TRUE) {
  # full = FALSE: Kaplan-Meier, follow-up and log-rank only (the hand-made KM edge cases)
  rows <- list()
  put <- function(what, name, value) {
    rows[[length(rows) + 1]] <<- data.frame(what = what, name = as.character(name), value = as.numeric(value))
  }
  d$status <- as.integer(d$status)
  for (g in c("g2", "g4")) d[[g]][!is.na(d[[g]]) & d[[g]] == ""] <- NA  # read.csv reads an empty field as ""
  # Kaplan-Meier: curve, median and its CI, survival at t, for the three CI types
  at <- sort(unique(c(0, min(d$time) / 2, quantile(d$time, c(0.25, 0.5, 0.75), names = FALSE),
                      d$time[d$status == 1][1], max(d$time))))
  for (ct in c("log-log", "log", "plain")) {
    fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = ct)
    s <- summary(fit, censored = TRUE)
    k <- seq_along(s$time)
    for (col in c("time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper"))
      put(paste0("km:", ct, ":", col), k, s[[col]])
    q <- quantile(fit, 0.5)
    put(paste0("median:", ct), c("median", "lower", "upper"), c(q$quantile, q$lower, q$upper))
    tb <- summary(fit)$table
    put(paste0("print_median:", ct), c("median", "lower", "upper"), tb[c("median", "0.95LCL", "0.95UCL")])
    sa <- summary(fit, times = at)
    put(paste0("at:", ct, ":time"), seq_along(sa$time), sa$time)
    put(paste0("at:", ct, ":surv"), seq_along(sa$time), sa$surv)
    put(paste0("at:", ct, ":lower"), seq_along(sa$time), sa$lower)
    put(paste0("at:", ct, ":upper"), seq_along(sa$time), sa$upper)
  }
  # reverse Kaplan-Meier median follow-up
  rk <- survfit(Surv(time, 1 - status) ~ 1, data = d)
  put("followup", "reverse_km", summary(rk)$table["median"])
  put("followup", "observed", median(d$time))
  # log-rank, 2 and 4 groups
  for (g in c("g2", "g4")) {
    sd <- survdiff(as.formula(paste("Surv(time, status) ~", g)), data = d)
    put(paste0("logrank:", g), c("chisq", "df", "p"),
        c(sd$chisq, length(sd$n) - 1, pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE)))
    put(paste0("logrank:", g, ":obs"), seq_along(sd$obs), sd$obs)
    put(paste0("logrank:", g, ":exp"), seq_along(sd$exp), sd$exp)
  }
  # Cox, Breslow and Efron, with cox.zph
  for (ties in if (full) c("breslow", "efron") else character(0)) {
    fit <- coxph(fml(COVS), data = d, ties = ties)
    pre <- paste0("cox:", ties)
    put_coxph(put, pre, fit)
    z <- cox.zph(fit)
    put(paste0(pre, ":zph:chisq"), rownames(z$table), z$table[, "chisq"])
    put(paste0(pre, ":zph:df"), rownames(z$table), z$table[, "df"])
    put(paste0(pre, ":zph:p"), rownames(z$table), z$table[, "p"])
    put(paste0(pre, ":zph:x"), seq_along(z$x), z$x)
    put(paste0(pre, ":zph:time"), seq_along(z$time), z$time)
    for (v in colnames(z$y)) put(paste0(pre, ":zph:y:", v), seq_len(nrow(z$y)), z$y[, v])
    # selection procedures
    for (proc in c("forward_conditional", "backward_wald")) {
      sel <- if (proc == "forward_conditional") forward_conditional(d, COVS, ties) else backward_wald(d, COVS, ties)
      put(paste0("select:", proc, ":", ties, ":selected"),
          if (length(sel$selected)) paste(sel$selected, collapse = ",") else "(none)", length(sel$selected))
      st <- sel$steps
      if (nrow(st)) for (i in seq_len(nrow(st))) {
        nm <- paste(i, st$action[i], st$covariate[i], sep = ":")
        put(paste0("select:", proc, ":", ties, ":statistic"), nm, st$statistic[i])
        put(paste0("select:", proc, ":", ties, ":p"), nm, st$p[i])
      }
    }
  }
  do.call(rbind, rows)
}

write_reference <- function(ref, path) {
  out <- ref
  out$value <- ifelse(is.na(ref$value), "NA", sprintf("%.17g", ref$value))
  write.csv(out, path, row.names = FALSE, quote = TRUE)
}

if (!interactive() && sys.nframe() == 0L) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) == 2) {
    d <- read.csv(args[1])
    write_reference(reference(d), args[2])
  }
}
