from .models import Notice


def notice_list(*, user):
    return Notice.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(user_id=user.pk, read_at__isnull=True).count()
