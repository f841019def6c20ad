from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_basemodels.fields import ObjectIdField
from django_basemodels.models import BaseModel, unique_among_live


class Tag(models.Model):
    name = models.CharField(max_length=50)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = ObjectIdField()
    target = GenericForeignKey("target_type", "target_id")


class Invoice(BaseModel):
    number = models.CharField(max_length=20)
    tags = GenericRelation(Tag, content_type_field="target_type", object_id_field="target_id")

    class Meta:
        app_label = "testapp"
        constraints = [unique_among_live("number", name="testapp_invoice_live_number")]


class Ticket(models.Model):
    title = models.CharField(max_length=20)
    tags = GenericRelation(Tag, content_type_field="target_type", object_id_field="target_id")


class InvoiceLine(BaseModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
