namespace AskVideo.Benchmarks;

/// <summary>A verb in the forms a fact and its questions need (base, third person, past, gerund).</summary>
internal sealed record Verb(string Base, string Third, string Past, string Gerund)
{
    public static Verb Regular(string word) => word.EndsWith('e')
        ? new(word, word + "s", word + "d", word[..^1] + "ing")
        : new(word, word + "s", word + "ed", word + "ing");
}

/// <summary>A topic a video talks about: its nouns (things a fact can be about) and its other words.</summary>
internal sealed record Topic(string Name, string[] Nouns, string[] Words);

/// <summary>The words the generated transcripts are made of. Invented for the benchmark; only variety matters.</summary>
internal static class CorpusVocabulary
{
    /// <summary>What every speaker says whatever the topic: function words and everyday words.</summary>
    public static readonly string[] Common = Split("""
        the a an and or but so because then that this these those it its we you they i he she our your their
        is are was were be been being have has had do does did will would can could should may might must
        of in on at to for from with about into over under after before between through during without
        very really just also quite still again now here there when where why how what which who
        thing things way time times part point kind lot bit people person everyone something nothing
        make made take took look looked see saw know knew think thought want wanted need needed use used
        good great small large little big new old first last next other same different important simple
        today yesterday week year day moment minute second idea question answer example reason problem
        okay right well actually basically maybe probably certainly usually often sometimes never always
        talk talked say said tell told show showed explain explained mean meant remember start started
        """);

    /// <summary>Words no question asks about but a speaker uses to join ideas.</summary>
    public static readonly string[] Connectors = Split("""
        so anyway which means in other words on the other hand for example as you can see
        let me show you and then after that at this point if you think about it to be honest
        """);

    public static readonly Topic[] Topics =
    [
        new("astronomy", Split("telescope observatory comet nebula satellite orbit"), Split("""
            star stars planet planets galaxy moon lunar solar eclipse light years spectrum mirror lens
            gravity asteroid meteor cosmic dust cluster redshift horizon dark matter radio signal sky night
            """)),
        new("cooking", Split("oven sauce recipe kitchen bakery dough"), Split("""
            flour butter sugar salt pepper garlic onion simmer boil roast bake fry knife pan pot broth
            spice herbs taste flavor crust yeast knead slice dinner lunch breakfast cream cheese vinegar
            """)),
        new("sailing", Split("schooner harbor mast rudder lighthouse anchor"), Split("""
            wind sail sails tide current knot knots deck hull keel boat crew captain port starboard waves
            storm coast bay dock rope compass navigate voyage gale ocean sea shore buoy
            """)),
        new("gardening", Split("greenhouse orchard hedge seedling trellis compost"), Split("""
            soil roots leaves bloom flowers tomatoes roses prune water watering mulch weeds shovel rake
            sunlight shade seeds sprout harvest fertilizer beds potting garden plants vines bulbs moss
            """)),
        new("railways", Split("locomotive viaduct signal station tunnel carriage"), Split("""
            train trains track tracks rail rails steam diesel freight passenger timetable platform
            junction sleeper gauge engine driver conductor depot line route whistle boiler coal brake
            """)),
        new("medicine", Split("clinic vaccine ward scanner stethoscope ambulance"), Split("""
            patient patients doctor nurse surgery diagnosis symptoms fever infection dose heart lungs blood
            pressure treatment therapy recovery hospital trial drug immune cells bone pain chronic
            """)),
        new("architecture", Split("cathedral bridge tower facade archway courtyard"), Split("""
            stone brick concrete steel beam column arch vault dome roof floor wall walls window glass
            design architect blueprint structure foundation gothic modern timber staircase plaster
            """)),
        new("music", Split("orchestra violin piano choir symphony organ"), Split("""
            melody harmony rhythm tempo chord chords notes scale concert rehearsal composer conductor
            strings brass drums cello flute song songs score opera jazz tune beat acoustic
            """)),
        new("geology", Split("volcano glacier canyon quarry fossil crater"), Split("""
            rock rocks lava magma granite basalt sediment layers erosion earthquake fault plate crust
            mineral crystal quartz limestone sandstone mountain valley ice cave strata pressure heat
            """)),
        new("aviation", Split("glider airship runway hangar propeller cockpit"), Split("""
            plane planes pilot flight flights wing wings altitude takeoff landing fuel jet engine
            airport radar turbulence cabin tail airframe aerodrome thrust lift drag tower clouds
            """)),
        new("finance", Split("bank ledger bond pension mortgage treasury"), Split("""
            money interest rate rates loan loans credit debt budget tax taxes market markets stock shares
            inflation savings profit loss investor investors fund funds currency audit accounts
            """)),
        new("chemistry", Split("laboratory reactor catalyst beaker polymer centrifuge"), Split("""
            acid acids base molecule molecules atom atoms electron reaction bond bonds solution solvent
            salt oxygen hydrogen carbon nitrogen sample samples heat temperature mixture crystal
            """)),
        new("football", Split("stadium pitch tournament trophy league referee"), Split("""
            goal goals team teams player players match season coach striker keeper defender ball kick
            penalty corner foul score fans training transfer club final whistle tactics
            """)),
        new("history", Split("castle monastery manuscript treaty fortress archive"), Split("""
            king queen empire war battle army century medieval ancient kingdom rebels siege knights
            chronicle dynasty peasants village merchants trade church council revolt ruins coins
            """)),
        new("weather", Split("barometer hurricane monsoon thermometer forecast blizzard"), Split("""
            rain snow wind clouds storm thunder lightning pressure humidity temperature cold warm heat
            frost fog drought flood season climate sunshine showers gusts front degrees
            """)),
        new("electronics", Split("circuit transistor amplifier oscilloscope resistor antenna"), Split("""
            voltage current power battery wire wires board chip signal frequency noise solder capacitor
            diode switch ground sensor microcontroller output input logic clock digital analog
            """)),
        new("wildlife", Split("wolf beaver heron otter badger falcon"), Split("""
            forest river nest den pack prey hunt tracks feathers fur winter migration breeding habitat
            species population predators insects fish birds trees meadow marsh ranger
            """)),
        new("printing", Split("press typeface newspaper bindery engraving pamphlet"), Split("""
            ink paper pages page letters letter type printer print printed edition copies book books
            publisher column headline font plate block press reader readers editor
            """)),
        new("textiles", Split("loom spindle tapestry mill dye quilt"), Split("""
            wool cotton silk linen thread yarn weave weaving knit knitting fabric cloth pattern stitch
            needle colour colours fibre fibres sheep spinning factory workers dress
            """)),
        new("robotics", Split("robot gripper actuator drone controller exoskeleton"), Split("""
            motor motors sensor sensors arm joint joints camera vision software code program algorithm
            path planning balance battery wheel wheels servo feedback load torque model
            """)),
        new("pottery", Split("kiln glaze urn wheel vase porcelain"), Split("""
            clay mud fire firing potter pots pot bowl bowls cup plates shape shaping dry crack surface
            texture colour handle rim studio workshop craft tools oxide
            """)),
        new("mining", Split("shaft colliery smelter mineshaft lamp conveyor"), Split("""
            ore coal copper iron silver gold miners miner seam tunnel dig drill blast pit dust workers
            strike union wages safety gas rescue cart rails depth
            """)),
        new("beekeeping", Split("hive apiary honeycomb smoker queen swarm"), Split("""
            bees bee honey wax pollen nectar flowers colony colonies drones workers frames brood
            sting veil spring summer harvest jars sweet clover lavender mites
            """)),
        new("cinema", Split("projector studio screenplay camera premiere reel"), Split("""
            film films movie movies director actor actors scene scenes script shot shots lighting sound
            editing audience theatre ticket festival producer budget cast crew frame
            """)),
    ];

    /// <summary>What facts say was done to their subject.</summary>
    public static readonly Verb[] Verbs =
    [
        Verb.Regular("repaint"), Verb.Regular("restore"), Verb.Regular("inspect"), Verb.Regular("rebuild") with { Past = "rebuilt" },
        Verb.Regular("clean"), Verb.Regular("measure"), Verb.Regular("photograph"), Verb.Regular("relocate"),
        Verb.Regular("repair"), Verb.Regular("test"), Verb.Regular("catalogue"), Verb.Regular("insure"),
        Verb.Regular("dismantle"), Verb.Regular("survey"), Verb.Regular("modernize"), Verb.Regular("register"),
        Verb.Regular("rename"), Verb.Regular("donate"), Verb.Regular("weigh"), Verb.Regular("calibrate"),
    ];

    /// <summary>Units for "how much" facts, as a speaker would count them.</summary>
    public static readonly (string Unit, string Period)[] Rates =
    [
        ("litres", "hour"), ("kilograms", "day"), ("visitors", "week"), ("metres", "year"),
        ("tonnes", "month"), ("pages", "day"), ("samples", "week"), ("crates", "morning"),
    ];

    /// <summary>Syllables of invented names: subjects are unique, people and places repeat.</summary>
    public static readonly string[] Syllables = Split("""
        var nel os ka ro mir te dun bel ash qui lo tor fen ir zu pa len gor im sa vek ul dra mo hal
        cer ny bo tis rea van kel do ru ost pe gar lin zo fra mel
        """);

    private static string[] Split(string words) =>
        words.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
