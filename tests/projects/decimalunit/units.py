from otree.api import DecimalUnit


class Dollars(DecimalUnit):
    storage_places = 4
    input_places = 2
    input_unit_label = "USD"
    output_min_places = 2
    output_max_places = 3

    @staticmethod
    def output(formatted, raw):
        return "$" + formatted


class Grams(DecimalUnit):
    storage_places = 1
    input_places = 1
    input_unit_label = "g"
    output_min_places = 0
    output_max_places = 1

    @staticmethod
    def output(formatted, raw):
        return formatted + " g"
