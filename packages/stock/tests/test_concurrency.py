"""Races with real threads, each on its own connection to PostgreSQL or MariaDB/MySQL."""

import collections
import random
import threading
import time

import pytest
from django.db import transaction

from django_basemodels.testing import PATIENCE, hold_in_transaction, lock_waiters, run_concurrently, start_concurrently
from django_decisioning.models import Decision
from django_stock import InsufficientStockError, ItemBlockedError, LotRecalledError
from django_stock.models import Lot, StockBalance, StockItem, StockMovement
from django_stock.selectors import balance, balances_differing_from_movements
from django_stock.services import adjust, block_item, issue, locking, recall_lot, receive, transfer, writing

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("committed_db")]

WORKERS = 8


def wait_for_lock_waiters(count: int, timeout: float = 20.0) -> int:
    """Poll ``lock_waiters()`` until ``count`` connections wait on a lock or ``timeout`` passes; the last number seen.

    Every 0.15 s: MariaDB refreshes ``information_schema.INNODB_TRX`` only once nobody has read it for
    0.1 s, so polling faster keeps reading the table from before the wait began.
    """
    deadline = time.monotonic() + timeout
    waiting = lock_waiters()
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.15)
        waiting = lock_waiters()
    return waiting


def running_sums_never_negative():
    """Replay every (location, lot) in record order: the balance is never below zero at any step.

    Writers of one pair hold its balance row lock from before their insert until their commit, so
    record order is commit order per pair (ties put arrivals first, as a tie cannot order them).
    """
    totals = collections.Counter()
    rows = StockMovement.objects.order_by("recorded_at", "-direction").values_list(
        "location_id", "lot_id", "quantity", "direction"
    )
    for location, lot, quantity, direction in rows.iterator():
        totals[(location, lot)] += quantity * direction
        if totals[(location, lot)] < 0:
            return False
    return True


@pytest.mark.parametrize("by", ["lot", "item"])
def test_eight_workers_racing_for_the_last_unit_only_one_gets_it(store, lot, item, by):
    receive(location=store, lot=lot, quantity=1)
    source = {"lot": lot} if by == "lot" else {"item": item}
    outcomes = run_concurrently(lambda: issue(location=store, quantity=1, **source), workers=WORKERS)

    winners = [o for o in outcomes if isinstance(o, list)]
    losers = [o for o in outcomes if isinstance(o, InsufficientStockError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == WORKERS - 1, outcomes
    assert all(loser.available == 0 for loser in losers)
    assert balance(store, lot) == 0
    assert StockMovement.objects.filter(movement_type="issue").count() == 1


def test_eight_workers_of_random_receives_issues_and_transfers_never_go_negative(make_location, make_lot, item):
    locations = [make_location(f"LOC-{n}") for n in range(3)]
    lots = [make_lot(expires_in=days) for days in (30, 60, 90)]
    unexpected = []
    done = collections.Counter()

    def work(seed):
        rng = random.Random(seed)
        for _ in range(100):
            kind = rng.choice(["receive", "issue", "issue", "transfer", "transfer"])
            source = {"lot": rng.choice(lots)} if rng.random() < 0.5 else {"item": item}
            try:
                if kind == "receive":
                    receive(location=rng.choice(locations), lot=rng.choice(lots), quantity=rng.randint(1, 5))
                elif kind == "issue":
                    issue(location=rng.choice(locations), quantity=rng.randint(1, 6), **source)
                else:
                    origin, destination = rng.sample(locations, 2)
                    transfer(from_location=origin, to_location=destination, quantity=rng.randint(1, 6), **source)
                done[kind] += 1
            except InsufficientStockError:
                done["insufficient"] += 1
            except Exception as exc:  # a deadlock, a CHECK violation...: collected and asserted on
                unexpected.append(exc)

    run_concurrently([lambda seed=seed: work(seed) for seed in range(WORKERS)])

    assert unexpected == []
    assert sum(done.values()) == WORKERS * 100
    assert done["receive"] and done["issue"] and done["transfer"] and done["insufficient"], done
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    assert balances_differing_from_movements() == []
    assert running_sums_never_negative()
    received = sum(StockMovement.objects.filter(movement_type="receive").values_list("quantity", flat=True))
    issued = sum(StockMovement.objects.filter(movement_type="issue").values_list("quantity", flat=True))
    assert received - issued == sum(StockBalance.objects.values_list("quantity", flat=True))


def test_opposite_transfers_between_two_locations_do_not_deadlock(store, pharmacy, make_lot, item):
    lots = [make_lot(expires_in=days) for days in (30, 60)]
    for lot in lots:
        receive(location=store, lot=lot, quantity=50)
        receive(location=pharmacy, lot=lot, quantity=50)

    def shuttle(origin, destination):
        for _ in range(25):
            transfer(from_location=origin, to_location=destination, item=item, quantity=3)
        return "ok"

    outcomes = run_concurrently(
        [lambda: shuttle(store, pharmacy)] * (WORKERS // 2) + [lambda: shuttle(pharmacy, store)] * (WORKERS // 2)
    )
    assert outcomes == ["ok"] * WORKERS
    assert balance(store, item) + balance(pharmacy, item) == 200
    assert balances_differing_from_movements() == []


def test_a_transfer_failing_half_way_commits_neither_movement(store, pharmacy, lot, monkeypatch):
    receive(location=store, lot=lot, quantity=5)
    out_written, looked = threading.Event(), threading.Event()
    seen_from_outside = []
    original_insert = writing.insert_movement

    def failing_insert(db, movement):
        if movement.movement_type == "transfer_in":
            out_written.set()
            looked.wait(PATIENCE)
            raise RuntimeError("forced failure after the out movement")
        return original_insert(db, movement)

    monkeypatch.setattr(writing, "insert_movement", failing_insert)
    transferring = start_concurrently(
        [lambda: transfer(from_location=store, to_location=pharmacy, lot=lot, quantity=3)]
    )
    assert out_written.wait(PATIENCE)
    seen_from_outside.append(list(StockMovement.objects.values_list("movement_type", flat=True)))
    looked.set()
    [failure] = transferring.join()
    assert isinstance(failure, RuntimeError)

    assert seen_from_outside == [["receive"]]  # the uncommitted out movement was never visible
    assert list(StockMovement.objects.values_list("movement_type", flat=True)) == ["receive"]
    assert (balance(store, lot), balance(pharmacy, lot)) == (5, 0)
    assert balances_differing_from_movements() == []


def test_a_recall_racing_with_issues_leaves_no_issue_after_it(make_location, lot, manager):
    locations = [make_location(f"LOC-{n}") for n in range(WORKERS - 1)]
    for location in locations:
        receive(location=location, lot=lot, quantity=40)

    def keep_issuing(location):
        refused = 0
        for _ in range(20):
            try:
                issue(location=location, lot=lot, quantity=1)
            except LotRecalledError:
                refused += 1
        return refused

    def recall():
        return recall_lot(lot=lot, reason="contamination", by=manager, remove=True)

    outcomes = run_concurrently([recall] + [lambda location=location: keep_issuing(location) for location in locations])
    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes

    removals = outcomes[0]
    recalled_at = min(m.recorded_at for m in removals) if removals else None
    assert Lot.objects.get(pk=lot.pk).status == "recalled"
    assert all(balance(location, lot) == 0 for location in locations)
    issues = StockMovement.objects.filter(movement_type="issue")
    if recalled_at is not None:
        assert not issues.filter(recorded_at__gt=recalled_at).exists()
    assert sum(issues.values_list("quantity", flat=True)) + sum(m.quantity for m in removals) == 40 * len(locations)


def test_concurrent_duplicates_of_one_idempotent_issue_issue_once(store, lot):
    receive(location=store, lot=lot, quantity=10)
    outcomes = run_concurrently(
        [lambda: issue(location=store, lot=lot, quantity=3, idempotency_key="sale-1")] * WORKERS
    )
    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert {outcome[0].pk for outcome in outcomes} == {StockMovement.objects.get(movement_type="issue").pk}
    assert balance(store, lot) == 7


def test_concurrent_first_receives_of_lots_at_locations_all_land(make_location, make_lot):
    """Every worker receives every lot at every location, in its own order, from the start: each balance
    row is created by whichever worker comes first while the others wait for it or run again (MariaDB/MySQL
    may roll back one of two transactions creating rows in one gap of the index: ``retry_on_deadlock``)."""
    locations = [make_location() for _ in range(2)]
    lots = [make_lot() for _ in range(4)]
    pairs = [(location, lot) for location in locations for lot in lots]

    def receive_everything(seed):
        order = pairs[:]
        random.Random(seed).shuffle(order)
        for location, lot in order:
            receive(location=location, lot=lot, quantity=1)
        return "ok"

    outcomes = run_concurrently([lambda seed=seed: receive_everything(seed) for seed in range(WORKERS)])

    assert outcomes == ["ok"] * WORKERS
    assert StockBalance.objects.count() == len(pairs)
    assert all(balance(location, lot) == WORKERS for location, lot in pairs)
    assert balances_differing_from_movements() == []


def test_movements_share_their_lot_and_a_recall_waits_for_them(store, lot, manager):
    """The first lock of every movement service: a shared lock on its lots, which other movements also
    get at once and which a status change (``FOR UPDATE``) waits for."""
    receive(location=store, lot=lot, quantity=5)
    held = hold_in_transaction(lambda: locking.share_lock_lots("default", [lot.pk]))
    try:
        with transaction.atomic():
            assert list(locking.share_lock_lots("default", [lot.pk])) == [lot.pk]
        recalling = start_concurrently([lambda: recall_lot(lot=lot, reason="contamination", by=manager, remove=True)])
        assert wait_for_lock_waiters(1) >= 1
    finally:
        held.release.set()
    held.thread.join(PATIENCE)
    [[removal]] = recalling.join()

    assert (removal.quantity, balance(store, lot)) == (5, 0)
    assert Lot.objects.get(pk=lot.pk).status == "recalled"


def test_a_fefo_issue_waiting_for_its_lot_holds_no_balance_row_meanwhile(store, lot, item):
    """A FEFO issue locks each lot before its balance row (one statement on PostgreSQL): while a status change
    holds the lot, the issue waits without the balance row, which that status change (a recall) locks next."""
    receive(location=store, lot=lot, quantity=5)
    held = hold_in_transaction(lambda: locking.lock_lot("default", lot.pk))
    try:
        issuing = start_concurrently([lambda: issue(location=store, item=item, quantity=2)])
        assert wait_for_lock_waiters(1) >= 1
        with transaction.atomic():
            rows = StockBalance.objects.select_for_update(nowait=True).filter(location=store, lot=lot)
            assert [row.quantity for row in rows] == [5]
    finally:
        held.release.set()
    held.thread.join(PATIENCE)
    [[movement]] = issuing.join()

    assert (movement.quantity, balance(store, lot)) == (2, 3)


def test_stock_taken_while_a_fefo_issue_waits_for_its_lock_is_made_up_from_the_next_lots(store, make_lot, item):
    """The FEFO candidates are chosen unlocked: a lot emptied by a writer the issue waited for is made up from
    the next lots, read once the locks are held."""
    first, second = make_lot(expires_in=30), make_lot(expires_in=60)
    for each in (first, second):
        receive(location=store, lot=each, quantity=5)
    held = hold_in_transaction(lambda: adjust(location=store, lot=first, quantity=4, direction="out", reason="count"))
    try:
        issuing = start_concurrently([lambda: issue(location=store, item=item, quantity=3)])
        assert wait_for_lock_waiters(1) >= 1
    finally:
        held.release.set()
    held.thread.join(PATIENCE)
    [taken] = issuing.join()

    assert [(movement.lot, movement.quantity) for movement in taken] == [(first, 1), (second, 2)]
    assert (balance(store, first), balance(store, second)) == (0, 3)


def test_a_lot_recalled_while_a_fefo_issue_waits_for_it_is_not_issued(store, make_lot, item, manager):
    first, second = make_lot(expires_in=30), make_lot(expires_in=60)
    for each in (first, second):
        receive(location=store, lot=each, quantity=5)
    held = hold_in_transaction(lambda: recall_lot(lot=first, reason="contamination", by=manager))
    try:
        issuing = start_concurrently([lambda: issue(location=store, item=item, quantity=2)])
        assert wait_for_lock_waiters(1) >= 1
    finally:
        held.release.set()
    held.thread.join(PATIENCE)
    [[movement]] = issuing.join()

    assert (movement.lot, movement.quantity) == (second, 2)
    assert balance(store, first) == 5


def test_blocking_an_item_racing_with_issues_leaves_no_issue_after_it(make_location, make_lot, item, manager):
    """Workers issue the item's two lots (by lot and FEFO) at their own locations while the item is blocked:
    every issue commits before the block or is refused after it with ``ItemBlockedError``, never both ways round."""
    locations = [make_location(f"LOC-{n}") for n in range(WORKERS - 1)]
    lots = [make_lot(expires_in=30), make_lot(expires_in=60)]
    for location in locations:
        for lot in lots:
            receive(location=location, lot=lot, quantity=20)

    def keep_issuing(location, n):
        refusals = []
        for attempt in range(20):
            source = {"item": item} if (attempt + n) % 2 else {"lot": lots[attempt % 2]}
            try:
                issue(location=location, quantity=1, **source)
                refusals.append(False)
            except ItemBlockedError:
                refusals.append(True)
        return refusals

    def block():
        return block_item(item=item, reason="marketing authorization withdrawn", by=manager)

    workers = [lambda location=location, n=n: keep_issuing(location, n) for n, location in enumerate(locations)]
    outcomes = run_concurrently([block, *workers])
    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes

    assert StockItem.objects.get(pk=item.pk).status == "blocked"
    blocked_at = Decision.objects.for_target(item).get().recorded_at
    issues = StockMovement.objects.filter(movement_type="issue")
    assert not issues.filter(recorded_at__gt=blocked_at).exists()
    for refusals in outcomes[1:]:
        # Once refused, refused every time after: the block is seen by every later movement.
        assert refusals == sorted(refusals), refusals
    issued = sum(refusals.count(False) for refusals in outcomes[1:])
    assert issues.count() == issued
    assert sum(balance(location, item) for location in locations) == 40 * len(locations) - issued
    assert balances_differing_from_movements() == []


def test_movements_share_their_item_and_blocking_it_waits_for_them(store, lot, item, manager):
    """The shared lock of a movement's lots covers their item: other movements of the item get it at once, and
    ``block_item`` (``FOR UPDATE`` on the item) waits for the movement, which commits first."""
    receive(location=store, lot=lot, quantity=5)
    held = hold_in_transaction(lambda: locking.share_lock_lots("default", [lot.pk]))
    try:
        with transaction.atomic():
            [locked] = locking.share_lock_lots("default", [lot.pk]).values()
            assert locking.item_status_of(locked) == "active"
        issue(location=store, lot=lot, quantity=1)  # another movement of the item does not wait
        blocking = start_concurrently([lambda: block_item(item=item, reason="withdrawn", by=manager)])
        assert wait_for_lock_waiters(1) >= 1
        assert StockItem.objects.get(pk=item.pk).status == "active"
    finally:
        held.release.set()
    held.thread.join(PATIENCE)
    [blocked] = blocking.join()

    assert blocked.status == StockItem.objects.get(pk=item.pk).status == "blocked"
    with pytest.raises(ItemBlockedError):
        issue(location=store, lot=lot, quantity=1)
    assert balance(store, lot) == 4
