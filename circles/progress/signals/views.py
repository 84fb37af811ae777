"""Signal pages (``/signalen``): the list, reporting, one signal, recognising, editing, the coordinators'
answer and merging, the summary per sector and category, and the CSV downloads.

Each view: load (404), authorise (403), validate the form, call one service, commit, flash, redirect. Every
endpoint name starts with ``signal`` (the progress blueprint holds the dashboards too).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from circles.core.csvfile import csv_response
from circles.core.db import db
from circles.core.paging import paginate_rows
from circles.core.permissions import require
from circles.core.setup import EmptyForm
from circles.core.timefmt import local_today
from circles.core.views import form_page
from circles.progress import bp
from circles.progress.models import CATEGORY_LABELS, SIGNAL_STATUS_LABELS, Signal
from circles.progress.signals import services as signals
from circles.progress.signals.forms import MergeForm, RecognitionForm, ResponseForm, SignalForm
from circles.reference.services import regions_by_name, sectors_in_order


def _load(signal_id: int) -> Signal:
    """The signal with what its pages show, or 404; then "may this reader see signals"."""
    signal = signals.load_signal(signal_id)
    if signal is None:
        abort(404)
    require("signal.view", signal)
    return signal


def _choices_context() -> dict:
    return {"categories": [(k.value, str(v)) for k, v in CATEGORY_LABELS.items()],
            "statuses": [(k.value, str(v)) for k, v in SIGNAL_STATUS_LABELS.items()],
            "sorts": [(k, str(v)) for k, v in signals.SORTS.items()]}


# --- the list --------------------------------------------------------------------------------------------

def _list_filters(sectors, regions):
    return signals.parse_list_filters(request.args, [s.code for s in sectors], [r.code for r in regions])


@bp.route("/signalen")
@login_required
def signal_index():
    """Unmerged signals with their recognitions and organisations; filter by category, sector, region and
    status; most recognised or newest first; 20 a page."""
    require("signal.view")
    sectors, regions = sectors_in_order(), regions_by_name()
    filters, notices = _list_filters(sectors, regions)
    page = paginate_rows(signals.list_query(filters), per_page=signals.PAGE_SIZE)
    return render_template("progress/signals/index.html", page=page, filters=filters, notices=notices,
                           sectors=sectors, regions=regions, national=signals.NATIONAL, **_choices_context())


@bp.route("/signalen.csv")
@login_required
def signal_csv():
    """Every unmerged signal (with the list's filters) as a spreadsheet: numbers, no names of people."""
    require("signal.view")
    sectors, regions = sectors_in_order(), regions_by_name()
    filters, _notices = _list_filters(sectors, regions)
    header, rows = signals.signals_table(filters)
    return csv_response("signalen.csv", header, rows)


# --- shared by the pages below ---------------------------------------------------------------------

def _to_signal(signal_id: int, message: str, category: str = "success"):
    """Done: say so and show the signal (post/redirect/get)."""
    flash(message, category)
    return redirect(url_for("progress.signal_show", signal_id=signal_id))


def _undo(err: signals.SignalError) -> None:
    """A broken rule: undo, and say why at the top of the page shown again."""
    db.session.rollback()
    flash(str(err.message), "error")


def _refused(err: signals.SignalError, page, signal: Signal, **forms):
    """``_undo``, then the page again with the error's status."""
    _undo(err)
    return page(signal, err.status, **forms)


def _form_page(form: SignalForm, signal: Signal | None, status: int | None = None):
    return form_page("progress/signals/form.html", form, status=status, signal=signal)


# --- reporting -------------------------------------------------------------------------------------------

def _report_form() -> SignalForm:
    """Sector and region default to those of the reporter's organisation, for the empty form only: a field
    missing from a POST is missing, not "as before"."""
    if request.method == "POST":
        return SignalForm()
    org = current_user.organisation
    return SignalForm(sector=org.sector_code if org else "",
                      region=org.region.code if org is not None and org.region else "")


@bp.route("/signalen/melden", methods=["GET", "POST"])
@login_required
def signal_report():
    """A member reports a bottleneck; sector and region default to those of their organisation."""
    require("signal.report")
    form = _report_form()
    form.fill_choices(sectors_in_order(), regions_by_name())
    if form.validate_on_submit():
        try:
            signal = signals.report_signal(current_user, **form.fields())
        except signals.SignalError as err:
            db.session.rollback()
            form.category.errors = [*form.category.errors, err.message]
        else:
            db.session.commit()
            return _to_signal(signal.id, _("Dank u wel. Uw signaal is gemeld; anderen kunnen het nu herkennen."))
    return _form_page(form, None)


# --- one signal ------------------------------------------------------------------------------------------

def _show_page(signal: Signal, status: int = 200, recognition_form: RecognitionForm | None = None):
    mine = signals.recognition_of(current_user, signal)
    form = recognition_form or RecognitionForm(note=mine.note if mine else "")
    return render_template("progress/signals/show.html", signal=signal, mine=mine, form=form,
                           may_recognise=signals.may_recognise(current_user, signal),
                           merged=signals.merged_from(signal)), status


@bp.route("/signalen/<int:signal_id>")
@login_required
def signal_show(signal_id: int):
    """The signal, who reported it, who recognises it, its status and the coordinators' response. A merged
    signal says where it went."""
    return _show_page(_load(signal_id))


@bp.route("/signalen/<int:signal_id>/herkennen", methods=["POST"])
@login_required
def signal_recognise(signal_id: int):
    """"Wij herkennen dit", with an optional note; again: the note is updated. Not the reporter."""
    signal = _load(signal_id)
    require("signal.recognise", signal)
    form = RecognitionForm()
    again = signals.recognition_of(current_user, signal) is not None
    try:
        signals.check_may_recognise(current_user, signal)  # before the form: one's own signal, whatever the note
        if not form.validate_on_submit():
            return _show_page(signal, 422, recognition_form=form)
        signals.recognise(current_user, signal, form.note.data or "")
    except signals.SignalError as err:
        return _refused(err, _show_page, signal, recognition_form=form)
    db.session.commit()
    return _to_signal(signal.id, _("Uw toelichting is bijgewerkt.") if again
                      else _("U herkent dit signaal. Dank u wel."))


@bp.route("/signalen/<int:signal_id>/herkennen/intrekken", methods=["POST"])
@login_required
def signal_withdraw(signal_id: int):
    """Take one's recognition back."""
    signal = _load(signal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    withdrawn = signals.withdraw(current_user, signal)
    db.session.commit()
    if withdrawn:
        return _to_signal(signal.id, _("U herkent dit signaal niet meer."))
    return _to_signal(signal.id, _("U herkende dit signaal niet."), "info")


@bp.route("/signalen/<int:signal_id>/bewerken", methods=["GET", "POST"])
@login_required
def signal_edit(signal_id: int):
    """The reporter mends their signal while it is new; coordinators always may."""
    signal = _load(signal_id)
    require("signal.edit", signal)
    form = SignalForm() if request.method == "POST" else SignalForm(
        title=signal.title, category=signal.category, description=signal.description,
        sector=signal.sector_code or "", region=signal.region_code or "")
    form.fill_choices(sectors_in_order(), regions_by_name())
    if not form.validate_on_submit():
        return _form_page(form, signal)
    try:
        signals.update_signal(current_user, signal, **form.fields())
    except signals.SignalError as err:
        _undo(err)
        return _form_page(form, signal, err.status)
    db.session.commit()
    return _to_signal(signal.id, _("Het signaal is opgeslagen."))


# --- coordinating ----------------------------------------------------------------------------------------

def _manage_page(signal: Signal, status: int = 200, response_form: ResponseForm | None = None,
                 merge_form: MergeForm | None = None):
    response_form = response_form or ResponseForm(status=signal.status, response=signal.response)
    merge_form = merge_form or MergeForm()
    merge_form.fill_choices(signals.merge_choices(signal) if signal.merged_into_id is None else [])
    return render_template("progress/signals/manage.html", signal=signal, form=response_form,
                           merge_form=merge_form), status


@bp.route("/signalen/<int:signal_id>/beheer", methods=["GET", "POST"])
@login_required
def signal_manage(signal_id: int):
    """Coordinators set the status and write the response; the reporter and those who recognise it hear."""
    signal = _load(signal_id)
    require("signal.manage", signal)
    if request.method == "GET":
        return _manage_page(signal)
    form = ResponseForm()
    if not form.validate_on_submit():
        return _manage_page(signal, 422, response_form=form)
    try:
        changed = signals.respond(current_user, signal, status=form.status.data, response=form.response.data or "")
    except signals.SignalError as err:
        return _refused(err, _manage_page, signal, response_form=form)
    db.session.commit()
    if not changed:
        return _to_signal(signal.id, _("Er is niets gewijzigd."), "info")
    return _to_signal(signal.id, _("De status en de reactie zijn opgeslagen. De melder en wie het signaal "
                                   "herkent krijgen een e-mail."))


@bp.route("/signalen/<int:signal_id>/samenvoegen", methods=["POST"])
@login_required
def signal_merge(signal_id: int):
    """Coordinators merge a duplicate into the signal it repeats."""
    signal = _load(signal_id)
    require("signal.manage", signal)
    form = MergeForm()
    form.fill_choices([])
    if not form.validate_on_submit():
        return _manage_page(signal, 422, merge_form=form)
    try:
        target = signals.merge(current_user, signal, form.target.data)
    except signals.SignalError as err:
        db.session.rollback()
        signal = signals.load_signal(signal_id)
        if signal.merged_into_id is not None:  # the page has no merge form any more: say it at the top
            return _refused(err, _manage_page, signal, merge_form=form)
        form.target.errors = [*form.target.errors, err.message]
        return _manage_page(signal, err.status, merge_form=form)
    db.session.commit()
    return _to_signal(target.id, _("Signaal %(id)s is samengevoegd met dit signaal.", id=signal.id))


# --- the summary -----------------------------------------------------------------------------------------

def _summary():
    sectors = sectors_in_order()
    years = signals.summary_years(signals.first_year())
    filters, notices = signals.parse_summary_filters(request.args, years)
    return signals.summary(filters, sectors), filters, notices, years


@bp.route("/signalen/overzicht")
@login_required
def signal_summary():
    """Signals per sector and category with their recognitions, and the most-recognised per sector: what
    the sector funds bring to the ministries (printable)."""
    require("signal.view")
    result, filters, notices, years = _summary()
    return render_template("progress/signals/summary.html", summary=result, filters=filters, notices=notices,
                           years=years, table=signals.summary_table(result), today=local_today(),
                           **_choices_context())


@bp.route("/signalen/overzicht.csv")
@login_required
def signal_summary_csv():
    """The summary table as a spreadsheet, with the page's filters and numbers."""
    require("signal.view")
    result, filters, _notices, _years = _summary()
    header, rows = signals.summary_table(result)
    suffix = "".join(f"-{v}" for v in (filters.status, filters.year) if v)
    return csv_response(f"signalen-overzicht{suffix}.csv", header, rows)
