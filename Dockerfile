# Odoo 19.0 (official image) with the OCA addons crm_plus_oa_bridge depends on.
FROM odoo:19.0
USER root
COPY requirements.txt /tmp/crm_plus-requirements.txt
# The OCA wheels go to their own addons folder (config/odoo.conf names it);
# --no-deps because the image's Odoo is a system package pip does not see.
RUN grep '^odoo-addon-' /tmp/crm_plus-requirements.txt > /tmp/oca.txt \
    && pip3 install --no-cache-dir --no-deps --break-system-packages --target /opt/oca -r /tmp/oca.txt \
    && chown -R odoo /opt/oca
USER odoo
