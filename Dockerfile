FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY synchealth ./synchealth
COPY syncs ./syncs
COPY pushitems ./pushitems
RUN pip install --no-cache-dir .

COPY . .
RUN DJANGO_SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput

RUN useradd --system --uid 1001 synchealth
USER synchealth
EXPOSE 8000
CMD ["gunicorn", "synchealth.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
