"""Demonstration data of the PSSM-Sahel programme across its six countries.

The two activities of the programme's own records are those of UNREC's PSSM-Sahel pages: the
September 2017 workshops in Bamako where over 40 Malian decision-makers and experts validated
the national PSSM SOPs, and the regional evaluation conference in Dakar in November 2018.
Their exact days, the budgets, the IATI references and every person's name are invented for
the demonstration. Loading is idempotent: nothing is written when the programme exists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pssm.accounts import services as account_services
from pssm.accounts.authz import SystemActor
from pssm.accounts.models import User
from pssm.sites import services as site_services
from pssm.sites.models import Country, Organisation, Site

from . import services, training
from .models import ModelInstallation, Programme, TrainingPerson

COUNTRIES = [
    ("BF", "Burkina Faso", "fr"),
    ("TD", "Tchad", "fr"),
    ("MR", "Mauritanie", "fr"),
    ("NE", "Niger", "fr"),
    ("NG", "Nigeria", "en"),
]
COMMISSIONS = {
    "BF": "Haute autorité de contrôle des importations d'armes et de leur utilisation",
    "TD": "Commission nationale de lutte contre la prolifération des ALPC",
    "MR": "Commission nationale de lutte contre la prolifération des ALPC",
    "NE": "Commission nationale pour la collecte et le contrôle des armes illicites",
    "NG": "Presidential Committee on Small Arms and Light Weapons",
}
# country, site code, name, town, lat, lon
SITES = [
    (
        "BF",
        "OUA",
        "Dépôt central de munitions de Ouagadougou",
        "Ouagadougou",
        "12.371400",
        "-1.519700",
    ),
    (
        "BF",
        "BOB",
        "Armurerie régionale de Bobo-Dioulasso",
        "Bobo-Dioulasso",
        "11.177100",
        "-4.297900",
    ),
    ("TD", "NDJ", "Dépôt central de N'Djamena", "N'Djamena", "12.134800", "15.055700"),
    ("TD", "ABE", "Armurerie d'Abéché", "Abéché", "13.829200", "20.832400"),
    ("MR", "NKC", "Dépôt central de Nouakchott", "Nouakchott", "18.073500", "-15.958200"),
    ("MR", "ATR", "Armurerie d'Atar", "Atar", "20.516900", "-13.049900"),
    ("NE", "NIA", "Dépôt central de munitions de Niamey", "Niamey", "13.511600", "2.125400"),
    ("NE", "AGZ", "Armurerie d'Agadez", "Agadez", "16.974200", "7.986500"),
    ("NG", "ABJ", "Central Ammunition Depot Abuja", "Abuja", "9.076500", "7.398600"),
    ("NG", "KAD", "Kaduna Armoury", "Kaduna", "10.510500", "7.416500"),
]
# code, country, name, status, site, planned, done
INSTALLATIONS = [
    (
        "MI-ML-01",
        "ML",
        "Kati central ammunition depot",
        "done",
        "ML-KTI",
        "2017-06-01",
        "2018-03-15",
    ),
    (
        "MI-ML-02",
        "ML",
        "Bamako gendarmerie armoury",
        "done",
        "ML-BKOGN",
        "2017-09-01",
        "2018-05-30",
    ),
    ("MI-ML-03", "ML", "Gao regional armoury", "planned", None, "2018-09-01", None),
    ("MI-BF-01", "BF", "Ouagadougou central depot", "done", "BF-OUA", "2017-10-01", "2018-06-30"),
    ("MI-BF-02", "BF", "Bobo-Dioulasso armoury", "works", "BF-BOB", "2018-01-15", None),
    ("MI-BF-03", "BF", "Fada N'Gourma armoury", "planned", None, "2018-10-01", None),
    ("MI-TD-01", "TD", "N'Djamena central depot", "done", "TD-NDJ", "2017-11-01", "2018-07-31"),
    ("MI-TD-02", "TD", "Abéché armoury", "works", "TD-ABE", "2018-02-01", None),
    ("MI-TD-03", "TD", "Moundou armoury", "planned", None, "2018-11-01", None),
    ("MI-MR-01", "MR", "Nouakchott central depot", "done", "MR-NKC", "2017-10-15", "2018-06-15"),
    ("MI-MR-02", "MR", "Atar armoury", "works", "MR-ATR", "2018-03-01", None),
    ("MI-MR-03", "MR", "Néma armoury", "planned", None, "2018-12-01", None),
    (
        "MI-NE-01",
        "NE",
        "Niamey central ammunition depot",
        "done",
        "NE-NIA",
        "2017-09-15",
        "2018-04-30",
    ),
    ("MI-NE-02", "NE", "Agadez armoury", "works", "NE-AGZ", "2018-02-15", None),
    ("MI-NE-03", "NE", "Diffa armoury", "planned", None, "2018-10-15", None),
    (
        "MI-NG-01",
        "NG",
        "Abuja central ammunition depot",
        "done",
        "NG-ABJ",
        "2017-12-01",
        "2018-08-31",
    ),
    ("MI-NG-02", "NG", "Kaduna armoury", "works", "NG-KAD", "2018-03-15", None),
    ("MI-NG-03", "NG", "Maiduguri armoury", "planned", None, "2018-12-15", None),
]

FUNDERS = [
    {"name": "European Union", "role": "funding", "org_type": "40"},
    {
        "name": "United Nations Office for Disarmament Affairs (UNODA)",
        "role": "funding",
        "org_type": "40",
    },
    {"name": "UNREC", "role": "implementing", "org_type": "40"},
    {"name": "UNREC", "role": "accountable", "org_type": "40"},
]
PARTNERS = [
    {"name": "UNMAS", "role": "partner", "org_type": "40"},
    {"name": "Mines Advisory Group (MAG)", "role": "partner", "org_type": "21"},
    {"name": "ISACS Inter-Agency Support Unit", "role": "partner", "org_type": "40"},
    {"name": "Wilton Park", "role": "partner", "org_type": "15"},
]
CONTACT = {
    "name": "Aïssatou Diallo",
    "organisation": "UNREC",
    "job_title": "PSSM-Sahel project coordinator",
    "email": "pssm-sahel@example.org",
    "telephone": "+228 22 53 50 00",
}


def _d(text):
    return date.fromisoformat(text) if text else None


def _geography(actor) -> dict:
    countries = {c.code: c for c in Country.objects.all()}
    for code, name, lang in COUNTRIES:
        if code not in countries:
            countries[code] = site_services.country_create(
                actor=actor, code=code, name=name, default_language=lang
            )
        if not Organisation.objects.filter(code=f"{code}-CN").exists():
            site_services.organisation_create(
                actor=actor,
                country=countries[code],
                code="CN",
                name=COMMISSIONS[code],
                kind="commission",
            )
    for country, part, name, town, lat, lon in SITES:
        if not Site.objects.filter(code=f"{country}-{part}").exists():
            site_services.site_create(
                actor=actor,
                organisation=Organisation.objects.get(code=f"{country}-CN"),
                code=part,
                name=name,
                kind="mixed_depot",
                town=town,
                is_model_installation=True,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
            )
    return countries


def _users(actor, password: str, countries) -> None:
    for username, first, last, lang, role, level, country in [
        ("staff", "Kofi", "Mensah", "en", "programme_staff", "global", None),
        ("commission.ne", "Hassane", "Moussa", "fr", "national_authority", "country", "NE"),
    ]:
        if User.objects.filter(username=username).exists():
            continue
        user = account_services.user_create(
            actor=actor,
            username=username,
            password=password,
            first_name=first,
            last_name=last,
            preferred_language=lang,
        )
        scope = {"country": countries[country]} if country else {}
        account_services.role_grant(actor=actor, user=user, role=role, level=level, **scope)


def _activities(actor, prog, countries):
    bamako = services.activity_save(
        actor=actor,
        programme=prog,
        code="ML-2017-SOP",
        countries=["ML"],
        title_en="Validation workshops of Mali's national PSSM SOPs",
        title_fr="Ateliers de validation des POS nationales PSSM du Mali",
        status="3",
        start_date=date(2017, 9, 18),
        end_date=date(2017, 9, 22),
        place="Bamako, Mali",
        description_en=(
            "Over 40 Malian decision-makers and experts from the defence and security forces "
            "and the national commission reviewed and validated the national standard operating "
            "procedures for the physical security and stockpile management of arms and ammunition."
        ),
        description_fr=(
            "Plus de 40 décideurs et experts maliens des forces de défense et de sécurité et de "
            "la commission nationale ont examiné et validé les procédures opérationnelles "
            "normalisées nationales de sécurité physique et de gestion des stocks d'armes et de "
            "munitions."
        ),
        types=["capacity"],
        focuses=["stockpile", "ammunition"],
        budget_amount="18500000",
        currency="XOF",
        orgs=[
            *FUNDERS,
            PARTNERS[1],
            {"name": "CNPAL Mali", "role": "beneficiary", "org_type": "10"},
        ],
        contacts=[CONTACT],
        sites=["ML-KTI", "ML-BKOGN"],
    )
    services.transaction_add(
        actor=actor, activity=bamako, kind="2", transaction_date=date(2017, 7, 1), amount="18500000"
    )
    services.transaction_add(
        actor=actor,
        activity=bamako,
        kind="4",
        transaction_date=date(2017, 9, 30),
        amount="17240000",
        description="Venue, travel and subsistence of participants",
    )
    dakar = services.activity_save(
        actor=actor,
        programme=prog,
        code="RG-2018-EVAL",
        countries=sorted(countries),
        title_en="Regional evaluation conference of the PSSM-Sahel project",
        title_fr="Conférence régionale d'évaluation du projet PSSM-Sahel",
        status="3",
        start_date=date(2018, 11, 20),
        end_date=date(2018, 11, 22),
        place="Dakar, Senegal",
        description_en=(
            "Each national commission presented its activities; experts shared good practice and "
            "lessons learned; UNREC took stock of the achievements and challenges towards a "
            "common PSSM strategy."
        ),
        description_fr=(
            "Chaque commission nationale a présenté ses activités ; des experts ont partagé "
            "bonnes pratiques et enseignements ; l'UNREC a dressé le bilan des acquis et des "
            "défis en vue d'une stratégie commune de PSSM."
        ),
        types=["capacity", "outreach"],
        focuses=["stockpile", "salw_controls", "diversion"],
        budget_amount="42000000",
        currency="XOF",
        is_evaluation=True,
        orgs=[*FUNDERS, *PARTNERS],
        contacts=[CONTACT],
    )
    services.transaction_add(
        actor=actor,
        activity=dakar,
        kind="4",
        transaction_date=date(2018, 11, 30),
        amount="39800000",
    )
    niamey = services.activity_save(
        actor=actor,
        programme=prog,
        code="NE-2018-SOP",
        countries=["NE"],
        title_en="Validation workshop of Niger's national PSSM SOPs",
        title_fr="Atelier de validation des POS nationales PSSM du Niger",
        status="3",
        start_date=date(2018, 3, 12),
        end_date=date(2018, 3, 14),
        place="Niamey, Niger",
        description_en="Niger's decision-makers and experts validated the national PSSM SOPs.",
        description_fr="Les décideurs et experts nigériens ont validé les POS nationales PSSM.",
        types=["capacity"],
        focuses=["stockpile"],
        budget_amount="12000000",
        currency="XOF",
        orgs=[*FUNDERS[:3], PARTNERS[0]],
        contacts=[CONTACT],
    )
    works = services.activity_save(
        actor=actor,
        programme=prog,
        code="RG-2018-WORKS",
        countries=["BF", "ML", "NE", "NG", "MR", "TD"],
        title_en="Rehabilitation of the model storage installations",
        title_fr="Réhabilitation des installations de stockage modèles",
        status="2",
        start_date=date(2017, 10, 1),
        end_date=date(2018, 12, 31),
        place="",
        description_en="Fences, doors, locks and lightning protection of the model installations.",
        description_fr="Clôtures, portes, serrures et paratonnerres des installations modèles.",
        types=["assistance"],
        focuses=["ammunition", "stockpile"],
        budget_amount="310000",
        currency="EUR",
        orgs=[FUNDERS[0], FUNDERS[2], PARTNERS[0]],
        contacts=[CONTACT],
    )
    return bamako, dakar, niamey, works


SOP_ITEMS = [
    ("chapter", "1", "Responsibilities of the depot commander", "Responsabilités du chef de dépôt"),
    (
        "chapter",
        "2",
        "Accounting for weapons and ammunition",
        "Comptabilité des armes et munitions",
    ),
    ("check", "2.3", "Annual 100 % stock check recorded", "Inventaire annuel à 100 % consigné"),
    ("check", "3.1", "Key register kept and checked", "Registre des clés tenu et contrôlé"),
]


def _sops(actor, countries, bamako, niamey):
    from pssm.inspections import services as inspection_services

    out = {}
    for code, workshop, v1_date, v2_date in [
        ("ML", bamako, "2017-06-01", "2017-09-01"),
        ("NE", niamey, "2017-12-01", "2018-02-20"),
    ]:
        sop = services.sop_create(
            actor=actor,
            country=countries[code],
            code="POS-PSSM",
            title_en="Physical security and stockpile management",
            title_fr="Sécurité physique et gestion des stocks",
        )
        v1 = services.sop_version_add(
            actor=actor,
            sop=sop,
            number="1.0",
            language="fr",
            issued_date=_d(v1_date),
            items=SOP_ITEMS,
        )
        out[code] = (sop, v1, workshop, v2_date)
    # Mali: version 1.0 validated first and enforced by the inspection checklist; version 2.0
    # validated at the Bamako workshops, which lists the checklist for review.
    template = inspection_services.checklist_seed()
    ml_sop, ml_v1, _w, _d2 = out["ML"]
    services.sop_version_validate(
        actor=actor,
        version=ml_v1,
        decision="Adoption of the provisional version for the pilot installations.",
        decided_date=date(2017, 6, 15),
        signatory="Col. Mamadou Keïta",
        signatory_title="President of the national commission (CNPAL)",
        institutions=[("CNPAL", 5), ("Forces armées maliennes", 4)],
    )
    services.template_sop_link(actor=actor, template=template, version=ml_v1)
    for code, (sop, _v1, workshop, v2_date) in out.items():
        v2 = services.sop_version_add(
            actor=actor,
            sop=sop,
            number="2.0",
            language="fr",
            issued_date=_d(v2_date),
            items=[
                *SOP_ITEMS,
                ("check", "4.2", "Lightning protection tested", "Paratonnerre testé"),
            ],
        )
        services.sop_version_status(actor=actor, version=v2, status="under_review")
        services.sop_version_validate(
            actor=actor,
            version=v2,
            workshop=workshop,
            decision="Les POS nationales sont validées et entrent en vigueur.",
            decided_date=workshop.end_date,
            signatory="Gen. Ibrahim Maïga" if code == "ML" else "Gen. Salou Issa",
            signatory_title="Représentant du ministre de la Défense",
            institutions=[
                ("Commission nationale", 8),
                ("Forces armées", 14),
                ("Gendarmerie", 8),
                ("Garde nationale", 6),
                ("Police", 5),
            ],
        )
        services.activity_link(actor=actor, activity=workshop, sop_versions=[v2])
    bf = services.sop_create(
        actor=actor,
        country=countries["BF"],
        code="POS-PSSM",
        title_en="Physical security and stockpile management",
        title_fr="Sécurité physique et gestion des stocks",
    )
    bf_v1 = services.sop_version_add(
        actor=actor,
        sop=bf,
        number="0.9",
        language="fr",
        issued_date=date(2018, 6, 1),
        items=SOP_ITEMS,
    )
    services.sop_version_status(actor=actor, version=bf_v1, status="under_review")


# event code, country, title, course, tot, place, start, end, trainers, trainees
TRAININGS = [
    (
        "TOT-ML-2017",
        "ML",
        "Training of trainers in PSSM",
        True,
        "Bamako",
        "2017-10-09",
        "2017-10-20",
        [("Peter Hughes", "MAG"), ("Claire Martin", "MAG")],
        [
            ("Adama Coulibaly", "FAMA"),
            ("Fatoumata Sangaré", "Gendarmerie nationale"),
            ("Oumar Touré", "Garde nationale"),
            ("Ibrahim Diarra", "Police nationale"),
        ],
    ),
    (
        "TOT-NE-2018",
        "NE",
        "Training of trainers in PSSM",
        True,
        "Niamey",
        "2018-01-15",
        "2018-01-26",
        [("Jean Dupont", "UNMAS")],
        [
            ("Abdou Hamani", "Forces armées nigériennes"),
            ("Mariama Issoufou", "Garde nationale du Niger"),
            ("Souleymane Garba", "Gendarmerie nationale"),
        ],
    ),
    (
        "STK-ML-KTI-2018",
        "ML",
        "Storekeepers' course: accounting and physical security",
        False,
        "Kati",
        "2018-03-05",
        "2018-03-09",
        [("Adama Coulibaly", "FAMA"), ("Fatoumata Sangaré", "Gendarmerie nationale")],
        [
            ("Moussa Traoré", "FAMA"),
            ("Boubacar Keïta", "FAMA"),
            ("Aminata Koné", "FAMA"),
            ("Sidi Maïga", "Gendarmerie nationale"),
            ("Awa Diallo", "Garde nationale"),
        ],
    ),
    (
        "STK-ML-GAO-2018",
        "ML",
        "Storekeepers' course: accounting and physical security",
        False,
        "Gao",
        "2018-06-11",
        "2018-06-15",
        [("Oumar Touré", "Garde nationale")],
        [
            ("Hamidou Cissé", "Garde nationale"),
            ("Sidi Maïga", "Gendarmerie nationale"),
            ("Yacouba Dembélé", "FAMA"),
        ],
    ),
    (
        "STK-NE-2018",
        "NE",
        "Storekeepers' course: accounting and physical security",
        False,
        "Agadez",
        "2018-04-09",
        "2018-04-13",
        [("Abdou Hamani", "Forces armées nigériennes")],
        [
            ("Ali Moussa", "Forces armées nigériennes"),
            ("Zeinabou Idrissa", "Garde nationale du Niger"),
            ("Harouna Seydou", "Gendarmerie nationale"),
        ],
    ),
    (
        "TOT-ML-2018-G3",
        "ML",
        "Refresher for new trainers",
        True,
        "Bamako",
        "2018-09-03",
        "2018-09-07",
        [("Moussa Traoré", "FAMA")],
        [("Kadiatou Sow", "FAMA"), ("Mahamane Ag Ahmed", "Garde nationale")],
    ),
]


def _trainings(actor, countries):
    storekeeper = User.objects.filter(username="magasinier").first()
    for i, (code, country, title, tot, place, start, end, trainers, trainees) in enumerate(
        TRAININGS
    ):
        event = training.training_create(
            actor=actor,
            code=code,
            title_en=title,
            title_fr=(
                title_fr := {
                    "Training of trainers in PSSM": "Formation de formateurs en PSSM",
                    "Refresher for new trainers": "Recyclage des nouveaux formateurs",
                }.get(title, "Cours des magasiniers : comptabilité et sécurité physique")
            ),
            course=title_fr if country != "NG" else title,
            country=countries[country],
            place=place,
            start_date=_d(start),
            end_date=_d(end),
            is_trainer_course=tot,
            site=Site.objects.filter(code="ML-KTI").first() if place == "Kati" else None,
        )
        rows = []
        for name, inst in trainers:
            person = training.person_record(
                actor=actor, country=countries[country], full_name=name, institution=inst
            )
            rows.append({"person": person, "role": "trainer", "institution": inst})
        for j, (name, inst) in enumerate(trainees):
            user = storekeeper if name == "Moussa Traoré" else None
            person = training.person_record(
                actor=actor, country=countries[country], full_name=name, institution=inst, user=user
            )
            failed = (i + j) % 7 == 6
            rows.append(
                {
                    "person": person,
                    "role": "trainee",
                    "institution": inst,
                    "function": "Storekeeper" if not tot else "Instructor",
                    "result": "failed" if failed else "passed",
                    "score": 55 if failed else 72 + (i * 3 + j * 5) % 25,
                }
            )
        training.participants_record(actor=actor, event=event, rows=rows)


def _installations(actor, countries, works_activity):
    for code, country, name, status, site, planned, done in INSTALLATIONS:
        inst = services.installation_save(
            actor=actor,
            country=countries[country],
            code=code,
            name=name,
            status=status,
            site=Site.objects.get(code=site) if site else None,
            planned_date=_d(planned),
            done_date=_d(done),
        )
        if status != "planned":
            services.works_add(
                actor=actor,
                installation=inst,
                description="Perimeter fence, doors and locks, lightning protection",
                contractor="Entreprise Sahel BTP" if country != "NG" else "Northern Works Ltd",
                start_date=_d(planned),
                end_date=_d(done),
                budget_amount="24500" if status == "done" else "18000",
                currency="EUR",
            )
    services.activity_link(
        actor=actor,
        activity=works_activity,
        installations=list(ModelInstallation.objects.exclude(status="planned")),
    )


# Question codes answered other than "yes" before the works (baseline) and after them, per
# country: the RRPL history of each done installation (the pattern of the Kati demo).
BASELINE = {
    "ACC-02": "no",
    "ACC-04": "no",
    "SEC-02": "partly",
    "SEC-04": "no",
    "SEC-05": "partly",
    "SEC-06": "no",
    "ACS-01": "partly",
    "ACS-02": "no",
    "FIR-02": "no",
    "SRV-02": "no",
    "SRV-03": "no",
    "DSP-01": "no",
}
AFTER = {
    "BF": {"SEC-06": "no", "SRV-03": "partly", "DSP-01": "partly"},
    "NE": {"SEC-06": "no", "SRV-03": "partly"},
    "NG": {"SEC-06": "no", "SRV-03": "partly", "DSP-01": "partly"},
    "TD": {"SEC-04": "no", "SEC-06": "no", "ACS-02": "no", "SRV-03": "no"},
    "MR": {"SEC-06": "no", "FIR-02": "no", "SRV-03": "partly", "ACC-04": "partly"},
}
EVIDENCE = "Constaté sur place ; pièce jointe au dossier d'inspection."


def _inspections(actor, password: str, countries) -> None:
    """Two inspections of each done installation outside Mali: before the works and after."""
    from datetime import timedelta

    from pssm.inspections import services as inspection_services

    inspector = User.objects.filter(username="inspecteur.sahel").first()
    if inspector is None:
        inspector = account_services.user_create(
            actor=actor,
            username="inspecteur.sahel",
            password=password,
            first_name="Issa",
            last_name="Ouédraogo",
            preferred_language="fr",
        )
        for code in AFTER:
            account_services.role_grant(
                actor=actor,
                user=inspector,
                role="inspector",
                level="country",
                country=countries[code],
            )
    template = inspection_services.checklist_seed()
    questions = list(template.questions.all())
    for inst in ModelInstallation.objects.filter(status="done", country__code__in=list(AFTER)):
        for when, exceptions in (
            (inst.planned_date - timedelta(days=30), BASELINE),
            (inst.done_date + timedelta(days=45), AFTER[inst.country.code]),
        ):
            inspection = inspection_services.inspection_start(
                actor=inspector, site=inst.site, template=template, inspected_on=when
            )
            answers = {
                q.code: {
                    "answer": exceptions.get(q.code, "yes"),
                    "evidence": EVIDENCE if q.evidence_required else "",
                    "note": "",
                }
                for q in questions
            }
            inspection_services.answers_record(
                actor=inspector, inspection=inspection, answers=answers
            )
            inspection_services.inspection_close(actor=inspector, inspection=inspection)


NARRATIVES = {
    "lessons": (
        "National ownership of the SOPs, validated in national workshops, made them applied in the "
        "depots; trainers drawn from the forces themselves reached storekeepers far faster than "
        "external experts could.",
        "L'appropriation nationale des POS, validées en ateliers nationaux, les a fait appliquer "
        "dans les dépôts ; les formateurs issus des forces elles-mêmes ont atteint les magasiniers "
        "bien plus vite que des experts extérieurs.",
    ),
    "challenges": (
        "Insecurity delayed the works at several sites; staff rotation dilutes the trained "
        "capacity; stock counts are still overdue in many depots.",
        "L'insécurité a retardé les travaux de plusieurs sites ; la rotation du personnel dilue "
        "les capacités formées ; les inventaires restent en retard dans de nombreux dépôts.",
    ),
    "strategy": (
        "A common PSSM strategy for the six countries: national SOPs validated and reviewed every "
        "three years, one model installation per military region, and a regional pool of "
        "certified trainers.",
        "Une stratégie commune de PSSM pour les six pays : des POS nationales validées et revues "
        "tous les trois ans, une installation modèle par région militaire et un vivier régional "
        "de formateurs certifiés.",
    ),
}


def load(password: str) -> dict:
    """Load the programme (skipped when it exists); returns what was created."""
    if Programme.objects.filter(code="PSSM-SAHEL").exists():
        return {"programme": 0}
    actor = SystemActor("system:demo")
    countries = _geography(actor)
    _users(actor, password, countries)
    prog = services.programme_create(
        actor=actor,
        code="PSSM-SAHEL",
        title_en="PSSM-Sahel: physical security and stockpile management in the Sahel",
        title_fr="PSSM-Sahel : sécurité physique et gestion des stocks au Sahel",
        iati_identifier="XM-DEMO-UNREC-PSSM-SAHEL",
        reporting_org_ref="XM-DEMO-UNREC",
        reporting_org_name=(
            "United Nations Regional Centre for Peace and Disarmament in Africa (UNREC)"
        ),
        reporting_org_type="40",
        description_en=(
            "National SOPs adapted to each country and validated by its authorities; 18 model "
            "storage installations as reference points; technicians trained to train others."
        ),
        description_fr=(
            "Des POS nationales adaptées à chaque pays et validées par ses autorités ; 18 "
            "installations de stockage modèles servant de référence ; des techniciens formés "
            "pour former à leur tour."
        ),
        start_date=date(2017, 1, 1),
        end_date=date(2018, 12, 31),
        countries=sorted(countries),
    )
    bamako, dakar, niamey, works = _activities(actor, prog, countries)
    _sops(actor, countries, bamako, niamey)
    _trainings(actor, countries)
    _installations(actor, countries, works)
    _inspections(actor, password, countries)
    for section, (en, fr) in NARRATIVES.items():
        services.narrative_save(
            actor=actor, programme=prog, section=section, text_en=en, text_fr=fr
        )
    services.narrative_save(
        actor=actor,
        programme=prog,
        country=countries["ML"],
        section="lessons",
        text_en=(
            "Validating the SOPs with over 40 decision-makers built the consensus that carried "
            "them."
        ),
        text_fr=(
            "Valider les POS avec plus de 40 décideurs a construit le consensus qui les a portées."
        ),
    )
    return {"programme": 1, "programme persons": TrainingPerson.objects.count()}
