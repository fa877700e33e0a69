import json

from django.core.management.base import CommandError

from pssm.core.management.base import PssmCommand
from pssm.movements import selectors, services
from pssm.movements.models import Voucher
from pssm.registry.models import Person, WeaponType
from pssm.sites.models import Site, StorageLocation


def _get(model, **lookup):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        wanted = ", ".join(f"{key}={value}" for key, value in lookup.items())
        raise CommandError(f"not found: {model._meta.model_name} with {wanted}")
    return obj


class Command(PssmCommand):
    help = "Prepare, submit, approve, cancel, reverse or show vouchers (use --as USER)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="open a draft voucher")
        create.add_argument("site")
        create.add_argument("kind")
        create.add_argument("--reason", default="")
        create.add_argument("--location", help="storage location code")
        create.add_argument("--person", help="service number of the person receiving")
        create.add_argument("--unit", default="", help="unit receiving")
        create.add_argument("--destination", help="destination site code (transfer)")
        create.add_argument("--dispatch", help="number of the transfer being received")
        create.add_argument("--notes", default="")
        add = sub.add_parser("add", help="add weapons by serial to a draft")
        add.add_argument("number")
        add.add_argument("serials", nargs="+")
        add.add_argument("--type", dest="weapon_type", help="weapon type id (new weapons)")
        lot = sub.add_parser("add-lot", help="add an ammunition lot and a quantity to a draft")
        lot.add_argument("number")
        lot.add_argument("lot_number")
        lot.add_argument("quantity")
        lot.add_argument("--nature", help="nature code (a lot new to the register)")
        lot.add_argument("--location", help="storage location code")
        lot.add_argument("--condition", default="", help="condition code of a new lot")
        lot.add_argument("--manufacturer", default="")
        lot.add_argument("--year", default="", help="year of manufacture of a new lot")
        for name in ("submit", "approve", "cancel", "reverse", "show"):
            sub.add_parser(name, help=f"{name} a voucher").add_argument("number")
        sub.add_parser(
            "check", help="what approving the voucher now would do (nothing is written)"
        ).add_argument("number")
        back = sub.add_parser("send-back", help="give a submitted voucher back as a draft")
        back.add_argument("number")
        back.add_argument("--reason", required=True, help="why it goes back")

    def handle(self, *args, **options):
        actor = self.actor(options)
        action = options["action"]
        if action == "create":
            site = _get(Site, code=options["site"].upper())
            voucher = services.voucher_create(
                actor=actor,
                site=site,
                kind=options["kind"],
                reason=options["reason"],
                location=(
                    _get(StorageLocation, code=options["location"].upper())
                    if options["location"]
                    else None
                ),
                custodian=(
                    _get(Person, site=site, service_number=options["person"])
                    if options["person"]
                    else None
                ),
                custodian_unit=options["unit"],
                destination=(
                    _get(Site, code=options["destination"].upper())
                    if options["destination"]
                    else None
                ),
                dispatch=(
                    _get(Voucher, number=options["dispatch"]) if options["dispatch"] else None
                ),
                notes=options["notes"],
            )
            self.stdout.write(voucher.number)
            return
        voucher = selectors.voucher_get(user=actor, pk=_get(Voucher, number=options["number"]).pk)
        if action == "add":
            weapon_type = (
                _get(WeaponType, pk=int(options["weapon_type"])) if options["weapon_type"] else None
            )
            lines = services.voucher_lines_add(
                actor=actor,
                voucher=voucher,
                items=[{"serial": s, "weapon_type": weapon_type} for s in options["serials"]],
            )
            self.stdout.write(f"{len(lines)} line(s) added to {voucher.number}")
        elif action == "add-lot":
            from pssm.ammunition.models import Nature

            line = services.voucher_lot_line_add(
                actor=actor,
                voucher=voucher,
                lot_number=options["lot_number"],
                quantity=options["quantity"],
                nature=_get(Nature, code=options["nature"].upper()) if options["nature"] else None,
                location=(
                    _get(StorageLocation, code=options["location"].upper())
                    if options["location"]
                    else None
                ),
                details={
                    "condition_code": options["condition"],
                    "manufacturer": options["manufacturer"],
                    "year_of_manufacture": options["year"],
                },
            )
            self.stdout.write(f"{line.lot.lot_number} × {line.quantity} added to {voucher.number}")
        elif action == "check":
            check = services.voucher_check(actor=actor, voucher=voucher)
            if check is None:
                raise CommandError(f"{voucher.number} is {voucher.state}: nothing to check")
            self.stdout.write(json.dumps(check.as_dict(), ensure_ascii=False, indent=2))
            if not check.ok:
                raise SystemExit(1)
        elif action == "send-back":
            result = services.voucher_send_back(
                actor=actor, voucher=voucher, reason=options["reason"]
            )
            self.stdout.write(f"{result.number}: {result.state}")
        elif action == "show":
            lines = [
                {
                    "serial": line.serial,
                    "lot": line.lot.lot_number if line.lot_id else "",
                    "quantity": line.quantity,
                    "before": line.before,
                    "after": line.after,
                }
                for line in selectors.voucher_lines(voucher)
            ]
            self.stdout.write(
                json.dumps(
                    {
                        "number": voucher.number,
                        "kind": voucher.kind,
                        "state": voucher.state,
                        "lines": lines,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            service = getattr(services, f"voucher_{action}")
            result = service(actor=actor, voucher=voucher)
            self.stdout.write(f"{result.number}: {result.state}")
