from hypothesis import settings

# Exact Fraction and Decimal arithmetic on large generated values can be slow on a busy CI runner;
# a missed deadline there says nothing about the behaviour under test.
settings.register_profile("django_money", deadline=None)
settings.load_profile("django_money")
