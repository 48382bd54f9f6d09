from configparser import ConfigParser
import setuptools, shlex

# nbdev 2 convention: all package metadata lives in settings.ini
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['Planning', 'Pre-Alpha', 'Alpha', 'Beta', 'Production/Stable', 'Mature', 'Inactive']
lic = licenses[cfg['license']]
requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
cluster_requirements = shlex.split(cfg.get('cluster_requirements', ''))   # SLURM/PBS (dask-jobqueue), Dask dashboard (bokeh)
scripts = [s.strip() for s in cfg.get('console_scripts', '').split('\n') if s.strip()]

setuptools.setup(
    name=cfg['repo'].replace('-', '_'), version=cfg['version'], license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title(),
                 'License :: ' + lic[1]],
    url=cfg['git_url'], packages=setuptools.find_packages(include=['facex_nb', 'facex_nb.*']),
    include_package_data=True, package_data={'facex_nb': ['demo/**/*', 'models/*', 'registry.yaml']},
    install_requires=requirements, extras_require={'dev': dev_requirements, 'cluster': cluster_requirements},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read(), long_description_content_type='text/markdown',
    zip_safe=False, entry_points={'console_scripts': scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    description=cfg['description'], author=cfg['author'], author_email=cfg['author_email'])
