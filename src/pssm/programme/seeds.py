"""The editable lists and indicators a new database starts with (loaded by migration 0002).

Activity types and focuses are those of the PSSM-Sahel activity records (UNREC, 2017-2018)."""

ACTIVITY_TYPES = [
    ("capacity", "Institutional capacity-building", "Renforcement des capacités institutionnelles"),
    ("outreach", "Sensitisation and outreach", "Sensibilisation et communication"),
    (
        "assistance",
        "Technical, material or financial assistance",
        "Assistance technique, matérielle ou financière",
    ),
]
ACTIVITY_FOCUSES = [
    ("ammunition", "Ammunition", "Munitions"),
    ("diversion", "Diversion", "Détournement"),
    ("stockpile", "Inventory and stockpile management", "Gestion des inventaires et des stocks"),
    ("salw_controls", "SALW controls", "Contrôle des ALPC"),
]

# code, measure, name en/fr, definition en/fr, numerator en/fr, denominator en/fr, source
INDICATORS = [
    (
        "MI-RRPL2",
        "installations_rrpl2",
        "Model installations at RRPL level 2 or above",
        "Installations modèles au niveau RRPL 2 ou plus",
        "Share of the planned model installations whose latest closed inspection reached "
        "RRPL level 2 or 3.",
        "Part des installations modèles prévues dont la dernière inspection close atteint "
        "le niveau RRPL 2 ou 3.",
        "Model installations whose latest closed inspection is at level 2 or above",
        "Installations modèles dont la dernière inspection close est au niveau 2 ou plus",
        "Model installations planned",
        "Installations modèles prévues",
        "PSSM inspections (IATG 01.90 RRPL scoring)",
    ),
    (
        "SOP-VAL",
        "sops_validated",
        "Validated SOPs",
        "POS validées",
        "National SOPs with a version validated by the national authorities, out of the SOPs "
        "in the country's library.",
        "POS nationales dont une version a été validée par les autorités nationales, sur les "
        "POS de la bibliothèque du pays.",
        "SOPs with a validated version",
        "POS ayant une version validée",
        "SOPs in the library",
        "POS de la bibliothèque",
        "PSSM SOP library and validation records",
    ),
    (
        "TOT-TRAINERS",
        "trainers_active",
        "Trainers trained who train others",
        "Formateurs formés qui forment à leur tour",
        "Persons trained in a training of trainers who were later trainers of an event.",
        "Personnes formées lors d'une formation de formateurs qui ont ensuite animé une formation.",
        "Trainees of a training of trainers who later trained others",
        "Stagiaires d'une formation de formateurs ayant ensuite formé d'autres personnes",
        "Trainees of a training of trainers",
        "Stagiaires d'une formation de formateurs",
        "PSSM training records",
    ),
    (
        "CASCADE-REACH",
        "people_reached",
        "People reached through the cascade",
        "Personnes atteintes par la cascade",
        "Distinct persons trained by the programme's trainers or by those they trained.",
        "Personnes distinctes formées par les formateurs du programme ou par ceux qu'ils ont "
        "formés.",
        "Distinct persons trained",
        "Personnes distinctes formées",
        "",
        "",
        "PSSM training records",
    ),
    (
        "COUNTS-OVERDUE",
        "counts_overdue",
        "Sites with a stock count overdue",
        "Sites dont l'inventaire est en retard",
        "Active sites with no closed stock count in the last 365 days (IATG 03.10: annual "
        "100 % stock check).",
        "Sites actifs sans inventaire clos depuis 365 jours (IATG 03.10 : inventaire annuel "
        "à 100 %).",
        "Sites without a closed count in the last 365 days",
        "Sites sans inventaire clos depuis 365 jours",
        "Active sites",
        "Sites actifs",
        "PSSM stock counts",
    ),
    (
        "WEAPONS-REG",
        "weapons_registered",
        "Weapons registered",
        "Armes enregistrées",
        "State-held weapons registered by serial in PSSM.",
        "Armes détenues par l'État enregistrées par numéro de série dans PSSM.",
        "Weapons registered",
        "Armes enregistrées",
        "",
        "",
        "PSSM weapons register",
    ),
    (
        "LOSSES",
        "losses_reported",
        "Losses and thefts reported",
        "Pertes et vols déclarés",
        "Weapons reported lost or stolen by a posted loss or theft voucher.",
        "Armes déclarées perdues ou volées par un bon de perte ou de vol comptabilisé.",
        "Weapons on posted loss or theft vouchers",
        "Armes sur des bons de perte ou de vol comptabilisés",
        "",
        "",
        "PSSM vouchers",
    ),
]


def seed(activity_type, activity_focus, indicator) -> None:
    """Write the seeded lists where they are missing; edited rows are left as they are. Called
    by the migration (historical models) and after every migrate or flush (see apps.py)."""
    for klass, rows in ((activity_type, ACTIVITY_TYPES), (activity_focus, ACTIVITY_FOCUSES)):
        for order, (code, en, fr) in enumerate(rows):
            klass.objects.get_or_create(
                code=code, defaults={"label_en": en, "label_fr": fr, "order": order}
            )
    for order, row in enumerate(INDICATORS):
        code, measure, name_en, name_fr, def_en, def_fr, num_en, num_fr, den_en, den_fr, src = row
        indicator.objects.get_or_create(
            code=code,
            defaults={
                "order": order,
                "measure": measure,
                "name_en": name_en,
                "name_fr": name_fr,
                "definition_en": def_en,
                "definition_fr": def_fr,
                "numerator_en": num_en,
                "numerator_fr": num_fr,
                "denominator_en": den_en,
                "denominator_fr": den_fr,
                "source": src,
            },
        )
