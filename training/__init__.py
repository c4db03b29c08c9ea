"""The organisation being trained (agencies, staff, sign-in), and what every package builds on."""

from training.routing import use_database_integers

use_database_integers()
