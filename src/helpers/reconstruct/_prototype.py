"""TEMPORARY: the structural counts read off the paper by hand, used only until ``helpers.published`` exists.

To be deleted once ``data/published`` is ready; ``targets.spec_from_published`` replaces it.
"""

T1 = {
    "age": {"<=60": 34, ">60": 27}, "sex": {"male": 25, "female": 36},
    "primary_site": {"extremity": 22, "trunk": 9, "retroperitoneum": 17, "others": 13},
    "size": {"<=10": 37, ">10": 24}, "depth": {"superficial": 10, "deep": 51}, "grade": {"2": 25, "3": 33},
    "presenting": {"metachronous": 41, "synchronous": 20}, "initial_metastatic_sites": {"1": 48, ">1": 13},
    "primary_resection": {"yes": 53, "no": 8}, "metastasectomy_curative": {"yes": 24, "no": 37},
    "chemotherapy": {"yes": 48, "no": 13}, "radiotherapy": {"yes": 24, "no": 37},
}
T4 = {
    "age": {"<=60": 13, ">60": 11}, "sex": {"male": 9, "female": 15},
    "primary_site": {"extremity": 10, "trunk": 6, "retroperitoneum": 6, "others": 2},
    "size": {"<=10": 19, ">10": 5}, "depth": {"superficial": 7, "deep": 17}, "grade": {"2": 10, "3": 12},
    "interval": {"<=6": 6, ">6": 18}, "initial_metastatic_lesions": {"1": 18, ">1": 6},
    "chemo_peri_metastasectomy": {"yes": 14, "no": 10}, "radiotherapy": {"yes": 10, "no": 14},
}
T5 = {
    "age": {"<=60": 21, ">60": 16}, "sex": {"male": 16, "female": 21},
    "primary_site": {"extremity": 12, "trunk": 3, "retroperitoneum": 11, "others": 11},
    "size": {"<=10": 18, ">10": 19}, "depth": {"superficial": 3, "deep": 34}, "grade": {"2": 15, "3": 21},
    "presenting": {"metachronous": 18, "synchronous": 19}, "initial_metastatic_sites": {"1": 24, ">1": 13},
    "primary_resection": {"yes": 29, "no": 8}, "chemotherapy": {"yes": 30, "no": 7},
    "radiotherapy": {"yes": 14, "no": 23},
}
SPEC = {
    "n_all": 61, "n_metastasectomy": 24, "n_no_metastasectomy": 37, "n_palliative_chemo": 30,
    "table1": T1, "table4": T4, "table5": T5,
    "deaths": 34, "status": {"NED": 12, "AWD": 15, "DOD": 34},
    "sites": {"lung": 38, "liver": 10, "muscle": 10, "lymph_node": 7, "bone": 6},
    "curative_sites": {"lung": 13, "liver": 4, "muscle": 4, "lymph_node": 2, "other": 1},
    "single_lesion": 20, "metastasectomy_any": 30, "local_recurrence": 11,
    "first_line": {"DXR+IFM": 10, "GEM+DOC": 8, "DXR": 7, "PAZ": 2, "ERB": 2, "TRB": 1},
    "first_line_response": {"non-PD": 24, "PD": 6},
    "regimen_lines": 96, "regimen_patients": 48, "lines_median": 2, "lines_min": 1, "lines_max": 5,
    "table2": {
        "DXR": {"CR": 0, "PR": 1, "SD": 6, "PD": 2}, "DXR+IFM": {"CR": 1, "PR": 4, "SD": 8, "PD": 5},
        "GEM+DOC": {"CR": 0, "PR": 7, "SD": 8, "PD": 7}, "PAZ": {"CR": 0, "PR": 1, "SD": 14, "PD": 9},
        "TRB": {"CR": 0, "PR": 0, "SD": 4, "PD": 5}, "ERB": {"CR": 0, "PR": 1, "SD": 8, "PD": 5},
    },
    "table2_pfs": {"DXR": 4.9, "DXR+IFM": 6.1, "GEM+DOC": 4.5, "PAZ": 3.5, "TRB": 2.1, "ERB": 3.5},
    "age_years": {"median": 59, "min": 25, "max": 85},
    "size_cm": {"median": 8, "min": 2.3, "max": 24},
    "interval_months": {"median": 14.7, "min": 2.1, "max": 108.2},
    "followup": {"median": 21.1, "min": 1.8, "max": 158.8},
}
