# ruff: noqa: E501
"""The titles of the report definitions (``definitions/*.json``), so that the translation
catalogues hold them: the definitions are data, and their titles are translated when a report
is shown (``_(title)``). A test checks that every title of every definition is listed here."""

from pssm.domain.errors import gettext_noop

# the regional instruments (pssm/domain/rules/reporting.json)
INSTRUMENT_TITLES = (
    gettext_noop(
        "ECOWAS Convention on Small Arms and Light Weapons, their Ammunition and other Related Materials (Abuja, 14 June 2006)"
    ),
    gettext_noop(
        "Central African Convention for the Control of Small Arms and Light Weapons, their Ammunition and all Parts and Components (Kinshasa, 30 April 2010)"
    ),
    gettext_noop("National format (no regional instrument in force for the period)"),
)

TITLES = (
    gettext_noop("Annual national stock report"),
    gettext_noop("Arms Trade Treaty annual report on exports and imports of conventional arms"),
    gettext_noop("Background information: national holdings"),
    gettext_noop("By category"),
    gettext_noop("By organisation"),
    gettext_noop("By site"),
    gettext_noop("By status"),
    gettext_noop("Entries written to the national journal in the period"),
    gettext_noop("Exports"),
    gettext_noop("Exports by category and importing state"),
    gettext_noop("Exports by sub-category and importing state"),
    gettext_noop("Exports of small arms and light weapons"),
    gettext_noop("Imports"),
    gettext_noop("Imports by category and exporting state"),
    gettext_noop("Imports by sub-category and exporting state"),
    gettext_noop("Imports of small arms and light weapons"),
    gettext_noop("Losses and thefts"),
    gettext_noop("Losses, thefts and destruction"),
    gettext_noop("Marking at import"),
    gettext_noop("National register"),
    gettext_noop("National report (no regional instrument in force for the period)"),
    gettext_noop(
        "National report on the implementation of the UN Programme of Action on small arms and light weapons and of the International Tracing Instrument"
    ),
    gettext_noop(
        "Open discrepancy cases of missing weapons or units at the end of the period (not losses until written off)"
    ),
    gettext_noop("Record keeping"),
    gettext_noop(
        "Report under the Central African Convention for the Control of Small Arms and Light Weapons (Kinshasa Convention)"
    ),
    gettext_noop("Report under the ECOWAS Convention on Small Arms and Light Weapons"),
    gettext_noop("Stockpile management"),
    gettext_noop("Surplus and its disposal"),
    gettext_noop("Surplus weapons held at the end of the period"),
    gettext_noop("Trace requests of the period, answered on time, late or still open"),
    gettext_noop("Trace requests of the period, by outcome"),
    gettext_noop("Trace requests of the period, received and sent"),
    gettext_noop("Tracing requests and their outcome"),
    gettext_noop("Transfers"),
    gettext_noop("Transfers under exemption"),
    gettext_noop("UN Register of Conventional Arms: return on small arms and light weapons"),
    gettext_noop("Weapons destroyed in the period, by method"),
    gettext_noop("Weapons held at the end of the period, by category"),
    gettext_noop("Weapons held at the end of the period, by organisation"),
    gettext_noop("Weapons held at the end of the period, by site"),
    gettext_noop("Weapons held at the end of the period, by status"),
    gettext_noop("Weapons imported in the period, by exporting state"),
    gettext_noop("Weapons imported in the period, with and without an import mark"),
    gettext_noop("Weapons registered in the period, by category"),
    gettext_noop("Weapons reported lost or stolen in the period"),
    gettext_noop("Weapons reported lost or stolen in the period, by category"),
)

# the sources each definition cites, shown under its title
SOURCES = (
    gettext_noop(
        "Arms Trade Treaty (2013) articles 2(1) and 13(3); ATT annual report template (categories I-VIII, small arms and light weapons by sub-category)"
    ),
    gettext_noop(
        "ECOWAS Convention (Abuja, 2006) articles 4-5 (transfers and exemptions), 9 (national registers), 10 (ECOWAS database), 16-17 (stockpile management, destruction)"
    ),
    gettext_noop(
        "ISACS/MOSAIC 05.20 (stockpile management) and 05.31 (record keeping); national register"
    ),
    gettext_noop(
        "Kinshasa Convention (2010) articles 5 (transfers), 7 (national registers), 14-16 (stockpile management, destruction), 25 (reports to the Secretary-General of ECCAS)"
    ),
    gettext_noop(
        "UN Programme of Action (A/CONF.192/15, 2001) section II; International Tracing Instrument (UNGA, 8 December 2005) paragraphs 14-23 and 36; UNODA national report template"
    ),
    gettext_noop(
        "UNGA resolution 46/36 L; UNODA standardised form for the international transfers of small arms and light weapons (seven-plus-one), and background information on holdings"
    ),
    gettext_noop(
        "national configuration: the figures a regional report would carry, in the national format"
    ),
)
