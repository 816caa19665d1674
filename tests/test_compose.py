"""docker-compose.yml, the Dockerfile and config/odoo.conf parse and agree with the addons."""

import configparser

import yaml
from conftest import REPO


def load_compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_uses_official_images_and_mounts_addons():
    compose = load_compose()
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    assert "FROM odoo:19.0" in (REPO / "Dockerfile").read_text()
    volumes = services["odoo"]["volumes"]
    assert "./addons:/mnt/extra-addons:ro" in volumes
    assert "./config:/etc/odoo:ro" in volumes
    assert any(v.endswith(":/var/lib/odoo") for v in volumes)


def test_db_password_is_a_secret_never_a_literal():
    compose = load_compose()
    assert compose["secrets"]["db_password"]["file"] == "./config/db_password.txt"
    for name in ("db", "odoo"):
        svc = compose["services"][name]
        assert "db_password" in svc["secrets"]
        env = svc["environment"]
        assert not any("PASSWORD" in k and not k.endswith("_FILE") for k in env), env
    assert "config/db_password.txt" in (REPO / ".gitignore").read_text().split()


def test_odoo_conf_addons_path_matches_compose_and_dockerfile():
    conf = configparser.ConfigParser()
    conf.read(REPO / "config" / "odoo.conf")
    paths = [p.strip() for p in conf["options"]["addons_path"].split(",")]
    assert "/mnt/extra-addons" in paths
    assert "/opt/oca/odoo/addons" in paths and "--target /opt/oca" in (REPO / "Dockerfile").read_text()
    for addon in ("crm_plus", "crm_plus_oa_bridge"):
        assert (REPO / "addons" / addon / "__manifest__.py").is_file()
    assert "db_host" not in conf["options"], "db_host = False is rejected by Odoo 19; the compose sets HOST"


def test_every_oca_dependency_is_in_requirements():
    reqs = (REPO / "requirements.txt").read_text()
    manifest = eval((REPO / "addons/crm_plus_oa_bridge/__manifest__.py").read_text())
    for dep in manifest["depends"]:
        if dep.startswith("crm_plus"):
            continue
        assert f"odoo-addon-{dep.replace('_', '-')}==" in reqs, dep
