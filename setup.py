"""What goes into the wheel (the project's metadata is in pyproject.toml).

Every ``finmodel*`` package, and the top-level ``templates/`` and ``assumptions/`` folders: they
stay where users see them and are shipped inside the package as ``finmodel.templates`` and
``finmodel.assumptions`` (:mod:`finmodel.resources` finds them in either place).  Their subfolders
(``assumptions/markets`` …) are listed as packages too, so setuptools copies each one's files.
"""
from setuptools import find_namespace_packages, find_packages, setup

DATA_FOLDERS = {"templates": ["*"], "assumptions": ["*.yaml", "*.csv"]}  # folder -> files to ship

packages = find_packages(include=["finmodel*"])
package_dir = {}
package_data = {}
for folder, patterns in DATA_FOLDERS.items():
    package_dir[f"finmodel.{folder}"] = folder
    for sub in ["", *find_namespace_packages(where=folder)]:
        name = f"finmodel.{folder}" + (f".{sub}" if sub else "")
        packages.append(name)
        package_data[name] = patterns

setup(packages=packages, package_dir=package_dir, package_data=package_data)
