from django import template

from pssm.journal.events import event_label

register = template.Library()

register.filter("event_label", event_label)
